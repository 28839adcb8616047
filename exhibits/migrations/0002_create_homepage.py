"""Make the site root a HomePage, replacing Wagtail's welcome page on a fresh database."""

from django.db import migrations


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("exhibits.HomePage")

    if HomePage.objects.exists():
        return
    # Wagtail's own initial migration creates a welcome page at depth 2; remove it if untouched.
    Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()
    content_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="exhibits")
    locale = Locale.objects.order_by("pk").first()
    home = HomePage.objects.create(
        title="老科学家学术成长资料采集工程",
        draft_title="老科学家学术成长资料采集工程",
        slug="home",
        content_type=content_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale_id=locale.pk if locale else None,
        introduction=(
            "<p>这里保存老科学家学术成长资料采集工程收集的口述访谈、手稿、书信、照片、证书、"
            "出版物与实物，并以专题展览讲述科学家的成长道路与科学精神。</p>"
        ),
    )
    Page.objects.filter(depth=1).update(numchild=1)
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", port=80, root_page_id=home.pk, is_default_site=True,
                        site_name="老科学家学术成长资料采集工程")


class Migration(migrations.Migration):
    dependencies = [
        ("exhibits", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_homepage, migrations.RunPython.noop)]
