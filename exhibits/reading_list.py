"""The batch action "Add to an exhibition's reading list" of the item listing.

An exhibition's reading list is the "archive materials" (`linked_items`) of its teacher resource
pages: the records a class is pointed to. The action appends one item block per selected record
not already listed to the page's latest draft and saves a new revision (a draft, logged as an
edit): publishing stays with the moderation workflow. The rules, checked for the whole batch:
the user may edit the page, and every record is one the public may see (a hidden record would
show visitors only a notice).

Registered with the catalogue's batch actions (archive_collections/admin/batch.py) when
exhibits/wagtail_hooks.py imports this module.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.permission_policies.pages import PagePermissionPolicy

from archive_collections.access import AccessPolicy
from archive_collections.admin.batch import ItemAction, Refusal, register_item_action
from exhibits.models import TeacherResourcePage
from exhibits.records import record_key

ACTION = "add_to_reading_list"


def editable_lists(user):
    if user is None:
        return TeacherResourcePage.objects.none()
    editable = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    return TeacherResourcePage.objects.filter(pk__in=editable.values("pk")).order_by("path")


class ReadingListChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        parent = obj.get_parent()
        return f"{parent.title} › {obj.title}" if parent is not None else obj.title


def form_field(user):
    return ReadingListChoiceField(
        label=gettext_lazy("reading list"),
        required=False,
        queryset=editable_lists(user),
        help_text=gettext_lazy("The archive materials of a teacher resource page."),
    )


def listed(page: TeacherResourcePage) -> set[int]:
    return {
        key
        for block in page.linked_items
        if block.block_type == "item"
        for key in [record_key(block.value.get("item"))]
        if key is not None
    }


def draft_of(pk) -> TeacherResourcePage | None:
    page = TeacherResourcePage.objects.filter(pk=pk).first()
    return page.get_latest_revision_as_object() if page is not None else None


def plan(records, value, user):
    page = draft_of(value)
    if page is None:
        return [], [Refusal(r.pk, str(r), _("The reading list does not exist.")) for r in records]
    if not page.permissions_for_user(user).can_edit():
        reason = _("You may not edit “%(page)s”.") % {"page": page.title}
        return [], [Refusal(r.pk, str(r), reason) for r in records]
    public = AccessPolicy.anonymous()
    hidden = _("Visitors may not see this record; the reading list would show them a notice.")
    refusals = [Refusal(r.pk, str(r), hidden) for r in records if not public.can_view(r)]
    already = listed(page)
    return [r.pk for r in records if r.pk not in already], refusals


def write(records, value, changing, user):
    page = draft_of(value)
    if page is None:  # plan() refused a missing page before any write
        raise TeacherResourcePage.DoesNotExist(value)
    for pk in changing:
        page.linked_items.append(("item", {"item": pk, "caption": ""}))
    page.save_revision(user=user, log_action=True)


def describe(value) -> str:
    page = TeacherResourcePage.objects.filter(pk=value).first()
    return _("added to the reading list %(page)s") % {"page": page}


register_item_action(
    ItemAction(
        ACTION,
        gettext_lazy("Add to an exhibition's reading list"),
        plan,
        write,
        describe,
        changes_records=False,
        form_field=form_field,
        form_value=lambda page: page.pk if page is not None else None,
    )
)
