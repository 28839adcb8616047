# The OCR layout of a page (blocks, columns, table cells) beside its lines (issue 18).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("media_pipeline", "0008_job_notifications"),
    ]

    operations = [
        migrations.AddField(
            model_name="pagetext",
            name="blocks",
            field=models.JSONField(blank=True, default=list, verbose_name="blocks"),
        ),
    ]
