"""Chooser blocks for archive records that store a key and load nothing by themselves.

Wagtail's chooser blocks fetch their model instances when a StreamField is read. Exhibit pages
must instead fetch every record they show in bulk and through the access policy (see
exhibits/records.py), so these blocks turn a stored key into a `RecordRef`; the page's
`ArchiveRecords` turns refs into records the viewer may see. In the editor they behave like
Wagtail's snippet choosers, except that a record the editing user may not see shows as a
restricted record, without its title, and keeps its key when the page is saved.
"""

from django.utils.functional import cached_property
from wagtail.snippets.blocks import SnippetChooserBlock

from archive_collections.admin.access import AccessFilteredSnippetChooser
from exhibits.records import RecordRef, record_key

__all__ = ["InterviewChooserBlock", "ItemChooserBlock", "ScientistChooserBlock"]


class RecordChooserBlock(SnippetChooserBlock):
    target_label = ""

    def __init__(self, **kwargs):
        super().__init__(self.target_label, **kwargs)

    @cached_property
    def widget(self):
        # A record the editing user may not see is shown without its title (admin/access.py).
        if not self.has_explicit_icon:
            self.set_meta_options({"icon": self.target_model.snippet_viewset.icon})
        return AccessFilteredSnippetChooser(self.target_model, icon=self.meta.icon)

    def to_python(self, value):
        pk = record_key(value)
        return None if pk is None else RecordRef(self.target_label.lower(), pk)

    def bulk_to_python(self, values):
        return [self.to_python(value) for value in values]

    def get_prep_value(self, value):
        return record_key(value)

    def get_form_state(self, value):
        return super().get_form_state(record_key(value))

    def clean(self, value):
        return super().clean(record_key(value))

    def extract_references(self, value):
        pk = record_key(value)
        if pk is not None:
            yield self.model_class, str(pk), "", ""


class ItemChooserBlock(RecordChooserBlock):
    target_label = "collections.Item"

    class Meta:
        icon = "doc-full"


class InterviewChooserBlock(RecordChooserBlock):
    target_label = "collections.Interview"

    class Meta:
        icon = "media"


class ScientistChooserBlock(RecordChooserBlock):
    target_label = "collections.Scientist"

    class Meta:
        icon = "user"
