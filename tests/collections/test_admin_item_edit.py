"""The Item edit view: the catalogue's own, given "Upload files" by the app that registers the
media pipeline's view under the catalogue's hook (archive_site)."""

from __future__ import annotations

from wagtail import hooks
from wagtail.snippets.views.snippets import EditView

from archive_collections.admin.viewsets import ITEM_EDIT_VIEW_HOOK, ItemViewSet
from archive_collections.models import Item
from media_pipeline.admin_upload import ItemEditView


def test_the_site_registers_the_pipelines_edit_view():
    assert isinstance(Item.snippet_viewset, ItemViewSet)
    assert Item.snippet_viewset.edit_view_class is ItemEditView


def test_the_catalogue_alone_edits_items_like_any_snippet(monkeypatch):
    monkeypatch.setitem(hooks._hooks, ITEM_EDIT_VIEW_HOOK, [])
    assert Item.snippet_viewset.edit_view_class is EditView
