"""Admin registration: the Files listing and "My jobs", with menu entries in the curators'
Archive menu, the dashboard's jobs panel, and the multi-file upload onto an Item."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from archive_collections.admin.reports import register_reports
from archive_collections.admin.searching import ITEM_FILES_HOOK

from .admin_chooser import ChooserFiles
from .admin_progress import MY_JOBS_URL_NAME, JobsPanel
from .admin_upload import UPLOAD_URL_NAME, ItemUploadView
from .admin_views import item_file_viewset
from .reports import FILE_REPORTS


@hooks.register("register_admin_urls")
def register_item_upload_url():
    return [
        path("media/item/<int:pk>/upload/", ItemUploadView.as_view(), name=UPLOAD_URL_NAME),
    ]


@hooks.register("register_admin_viewset")
def register_item_file_viewset():
    return item_file_viewset


class FilesMenuItem(MenuItem):
    def is_shown(self, request):
        return item_file_viewset.permission_policy.user_has_any_permission(
            request.user, ["view", "change"]
        )


# "register_archive_menu_item" is the Archive menu's submenu hook (archive_collections admin).
@hooks.register("register_archive_menu_item")
def register_files_menu_item():
    return FilesMenuItem(
        item_file_viewset.menu_label,
        item_file_viewset.menu_url,
        name="files",
        icon_name=item_file_viewset.icon,
        order=900,
    )


# Every admin user may have started a job; each sees only their own.
@hooks.register("register_archive_menu_item")
def register_my_jobs_menu_item():
    return MenuItem(
        gettext_lazy("My jobs"),
        reverse(MY_JOBS_URL_NAME),
        name="my-jobs",
        icon_name="time",
        order=950,
    )


@hooks.register("construct_homepage_panels")
def add_my_jobs_panel(request, panels):
    panels.append(JobsPanel(request))


@hooks.register(ITEM_FILES_HOOK)
def register_chooser_files():
    return ChooserFiles()


register_reports(FILE_REPORTS, "file-reports/")  # in Wagtail's Reports (报告) menu
