"""Snippet view subclasses: add forms pre-filled from the tree's "add here" links, and CSV
exports that a spreadsheet cannot mistake for formulas."""

from django.core.exceptions import FieldDoesNotExist
from wagtail.coreutils import multigetattr
from wagtail.snippets.views.snippets import CreateView, IndexView

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def export_value(obj, path):
    """Follow a dotted path; an empty relation on the way (a top-level series' parent) gives an
    empty cell rather than an error."""
    for bit in path.split("."):
        if obj is None:
            return None
        obj = multigetattr(obj, bit)
    return obj


def neutralise_formula(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class ArchiveIndexView(IndexView):
    def search_queryset(self, queryset):
        # search_fields may cross to-many relations (a scientist's name variants): one row each.
        queryset = super().search_queryset(queryset)
        return queryset.distinct() if self.is_searching else queryset

    def to_row_dict(self, item):
        return {field: export_value(item, field) for field in self.list_export}

    def write_csv_row(self, writer, row_dict):
        # XLSX cells are typed as text by Wagtail already; CSV has no types, so prefix instead.
        return super().write_csv_row(
            writer, {field: neutralise_formula(value) for field, value in row_dict.items()}
        )


class PrefilledCreateView(CreateView):
    """Reads ?scientist=, ?fonds=, ?parent=, ?series= (primary keys) into the new record's
    foreign keys, so "add a series here" in the archive tree opens a form already placed in the
    hierarchy."""

    prefill_parameters = ("scientist", "fonds", "parent", "series")

    def get_initial_form_instance(self):
        instance = super().get_initial_form_instance() or self.model()
        for name in self.prefill_parameters:
            raw = self.request.GET.get(name, "")
            if not raw.isdigit():
                continue
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            related = field.related_model._default_manager.filter(pk=raw).first()
            if related is not None:
                setattr(instance, name, related)
        if getattr(instance, "parent", None) is not None and hasattr(instance, "fonds_id"):
            instance.fonds_id = instance.parent.fonds_id
        return instance
