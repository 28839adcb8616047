from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.images.views.serve import ServeView

from archive_collections.admin.history import site_history_urls

urlpatterns = [
    # Before Wagtail's admin: its site history report under the access policy.
    *site_history_urls,
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("archive/", include("archive_collections.urls")),
    path("oai/", include("archive_collections.oai.urls")),
    path("files/", include("media_pipeline.urls")),
    path("share/", include("media_pipeline.microvideo.urls")),
    path("count/", include("archive_site.analytics.urls")),
    path("", include("archive_site.partners.embeds.urls")),  # embed/…, oembed/ (#13.5)
    path("resources/", include("archive_site.partners.library.urls", namespace="resources")),
    path("contribute/", include("archive_site.partners.contribute.urls", namespace="contribute")),
    path("api/", include("archive_site.api.urls")),
    path("", include("archive_site.web.urls")),  # robots.txt, sitemap.xml, sitemap-*.xml
    path("", include("search.urls")),
    path("iiif/3/", include("media_pipeline.iiif.routes")),
    # Exhibits: Wagtail's signed image URLs, for link previews (og:image). Crawlers get a stable
    # URL the site itself serves, whatever the storage (local media or expiring S3 signatures).
    re_path(
        r"^images/([^/]*)/(\d*)/([^/]*)/[^/]*$",
        ServeView.as_view(action="serve"),
        name="wagtailimages_serve",
    ),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
