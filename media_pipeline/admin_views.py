"""Curators' read-only view of ingested files: status, errors, technical metadata, and retry.

Files enter through ingest (bulk import, `manage.py ingest`), never by hand, so the viewset has
no add or edit forms; the one action is queueing a file for processing again.
"""

from __future__ import annotations

from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.ui.tables import Column, UpdatedAtColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.generic.base import BaseOperationView, WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton

from archive_collections.admin.access import AccessFilteredIndexMixin, guard_urlpatterns

from . import actions, jobs, retry
from .models import FileStatus, ItemFile


class StatusColumn(Column):
    """The file's status; a PROCESSING file whose worker has died shows as "Worker died"."""

    cell_template_name = "media_pipeline/admin/status_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        dead = retry.dead_run(instance)
        context["failed"] = instance.status == FileStatus.FAILED or dead is not None
        context["label"] = _("Worker died") if dead else instance.get_status_display()
        message = dead.reason(timezone.now()) if dead else instance.error
        context["error"] = Truncator(message).chars(160)
        return context


class ItemFileIndexView(AccessFilteredIndexMixin, IndexView):
    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        busy = instance.status == FileStatus.PROCESSING and retry.dead_run(instance) is None
        if self.user_has_permission("change") and not busy:
            buttons.append(
                ListingButton(
                    _("Process again"),
                    url=reverse("itemfile:retry", args=[instance.pk]),
                    icon_name="rotate",
                    priority=20,
                )
            )
        return buttons


class ItemFileInspectView(InspectView):
    def get_field_display_value(self, field_name, field):
        if field_name == "master":
            url = self.object.master_url
            return format_html('<a href="{}">{}</a>', url, self.object.original_filename)
        return super().get_field_display_value(field_name, field)


class RetryView(PermissionCheckedMixin, WagtailAdminTemplateMixin, BaseOperationView, TemplateView):
    """GET asks for confirmation; POST queues processing. Steps already done are skipped."""

    model = ItemFile
    permission_required = "change"
    template_name = "media_pipeline/admin/retry.html"
    header_icon = "rotate"
    success_url_name = "itemfile:index"

    def get_page_title(self):
        return _("Process again")

    def get_page_subtitle(self):
        return str(self.object)

    def get_success_url(self):
        return self.next_url or reverse(self.success_url_name)

    def get_success_message(self):
        return _("“%(file)s” was queued for processing.") % {"file": self.object}

    def perform_operation(self):
        actions.retry(self.object)
        label = _("Processing “%(file)s” again") % {"file": self.object}
        jobs.follow_files(self.request.user, label, [self.object.pk], item=self.object.item)


class ItemFileViewSet(ModelViewSet):
    model = ItemFile
    name = "itemfile"
    icon = "media"
    menu_label = gettext_lazy("Files")
    add_to_admin_menu = False
    index_view_class = ItemFileIndexView
    inspect_view_class = ItemFileInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_filter = ["status", "mime_type"]
    search_fields = ["original_filename", "label", "sha256", "item__identifier", "item__title"]
    search_backend_name = None
    list_per_page = 50
    ordering = ["-updated_at"]
    inspect_view_fields = [
        "item",
        "master",
        "label",
        "sequence",
        "mime_type",
        "size",
        "sha256",
        "status",
        "error",
        "technical",
        "created_at",
        "updated_at",
    ]

    @cached_property
    def list_display(self):
        return [
            "__str__",
            Column(
                "item", label=_("item"), accessor="item.identifier", sort_key="item__identifier"
            ),
            Column("mime_type", label=_("format"), sort_key="mime_type"),
            StatusColumn("status", label=_("status"), sort_key="status"),
            UpdatedAtColumn(),
        ]

    def get_queryset(self, request):
        return ItemFile.objects.select_related("item")

    def get_common_view_kwargs(self, **kwargs):
        # No add/edit/delete/history/usage views: links to them must not be rendered.
        return super().get_common_view_kwargs(
            **{
                "add_url_name": None,
                "edit_url_name": None,
                "delete_url_name": None,
                "history_url_name": None,
                "usage_url_name": None,
                **kwargs,
            }
        )

    @property
    def url_finder_class(self):
        # A file has no edit view: where Wagtail links a record's file (an item's usage screen,
        # the reference index), it opens the file's inspect view.
        return type(
            "ItemFileURLFinder",
            (ModelAdminURLFinder,),
            {"edit_url_name": self.get_url_name("inspect")},
        )

    def get_urlpatterns(self):
        # The access policy (archive_collections/admin/access.py): the listing holds files of
        # items the user may see, and a file of a hidden item answers 404 on every URL.
        patterns = [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("retry/<int:pk>/", RetryView.as_view(), name="retry"),
        ]
        return guard_urlpatterns(patterns, ItemFile)

    def get_permissions_to_register(self):
        return super().get_permissions_to_register().exclude(codename__startswith="add_")


item_file_viewset = ItemFileViewSet()
