"""Registers the archive's admin with Wagtail: the snippet menu group, the oral-history item
chooser, the archive tree with its menu entry, and the access policy's guard on bulk actions
(admin/access.py). Imported once, by wagtail_hooks."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.models import register_snippet

from archive_collections.access import STAFF_PERMISSION
from archive_collections.models import Interview, Item

from .access import AccessCheckedBulkActionMixin, refuse_hidden_bulk_objects
from .choosers import oral_history_item_chooser
from .tree import ArchiveTreeView
from .viewsets import ARCHIVE_SUBMENU_HOOK, ArchiveViewSetGroup

TREE_URL_NAME = "collections_archive_tree"

register_snippet(ArchiveViewSetGroup)


@hooks.register("register_admin_viewset")
def register_oral_history_item_chooser():
    return oral_history_item_chooser


@hooks.register("register_admin_urls")
def register_tree_url():
    return [path("archive/tree/", ArchiveTreeView.as_view(), name=TREE_URL_NAME)]


class StaffOnlyMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(STAFF_PERMISSION)


@hooks.register(ARCHIVE_SUBMENU_HOOK)
def register_tree_menu_item():
    return StaffOnlyMenuItem(
        _("Archive tree"), reverse(TREE_URL_NAME), name="archive-tree", icon_name="list-ul", order=0
    )


class AccessCheckedDeleteBulkAction(AccessCheckedBulkActionMixin, DeleteBulkAction):
    """Wagtail's snippet delete, refusing ids of records the user may not see (403)."""

    models = [Item, Interview]


# After wagtail.snippets' own delete action (default order 0), so this one is the one used.
hooks.register("register_bulk_action", AccessCheckedDeleteBulkAction, order=100)
hooks.register("before_bulk_action", refuse_hidden_bulk_objects)
