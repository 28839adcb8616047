"""Partner organisations in the admin: their records, logos and members, and a contributor
account made from the organisation's page.

Members are picked with a user chooser that searches (a select of every account would list them
all on every edit). A contributor account made here is an ordinary site account in no group: it
signs in to the contribution area, never to this admin (no wagtailadmin.access_admin).
Curators (策展人) and archivists (档案员) add and change organisations (migration
0003_organisation_admin); deleting one is a superuser's, and is refused while it has
contributions (they are protected).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.generic import FormView
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.chooser import (
    ChooseResultsView,
    ChooseView,
    ChosenView,
)
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button

from ..models import MemberRole, Membership, Organisation

MANAGE_PERMISSION = "partners.change_organisation"


def _may_manage(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_perm(MANAGE_PERMISSION))


# Choosing a member ------------------------------------------------------------------------


class UserSearchForm(BaseFilterForm):
    q = forms.CharField(
        label=gettext_lazy("Search term"),
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Username, name or e-mail")}),
        required=False,
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            objects = objects.filter(
                Q(username__icontains=query)
                | Q(email__icontains=query)
                | Q(first_name__icontains=query)
                | Q(last_name__icontains=query)
            )
            self.is_searching = True
            self.search_query = query
        return objects


class ManagersOnly:
    """The chooser answers those who manage organisations only: it lists accounts."""

    def dispatch(self, request, *args, **kwargs):
        if not _may_manage(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class AccountColumns:
    """The account's name and e-mail beside its username, to tell namesakes apart."""

    @property
    def columns(self):
        return [
            self.title_column,  # type: ignore[attr-defined]
            Column("name", label=pgettext_lazy("person", "Name"), accessor="get_full_name"),
            Column("email", label=gettext_lazy("E-mail")),
        ]


class UserChooseView(ManagersOnly, AccountColumns, ChooseView):
    filter_form_class = UserSearchForm


class UserChooseResultsView(ManagersOnly, AccountColumns, ChooseResultsView):
    filter_form_class = UserSearchForm


class UserChosenView(ManagersOnly, ChosenView):
    pass


class MemberChooserViewSet(ChooserViewSet):
    """Accounts that may become members: active, not superusers, staff-less ordinary users
    first by name. Searched by username, name or e-mail in the database."""

    model = get_user_model()
    icon = "user"
    choose_one_text = gettext_lazy("Choose an account")
    choose_another_text = gettext_lazy("Choose another account")
    per_page = 30
    choose_view_class = UserChooseView
    choose_results_view_class = UserChooseResultsView
    chosen_view_class = UserChosenView

    def get_object_list(self):
        return self.model.objects.filter(is_active=True, is_superuser=False).order_by("username")


member_chooser_viewset = MemberChooserViewSet(
    "partners_member_chooser", url_prefix="partners/members/chooser"
)


# The organisations -------------------------------------------------------------------------


class OrganisationIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().annotate(member_count=Count("memberships"))

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        if _may_manage(self.request.user):
            buttons.append(
                Button(
                    _("Add a contributor account"),
                    url=reverse("partners_organisations:add_member", args=[instance.pk]),
                    icon_name="user",
                    priority=30,
                )
            )
        return buttons


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    icon = "group"
    menu_label = gettext_lazy("Organisations")
    menu_name = "partners-organisations"
    name = "partners_organisations"
    url_prefix = "partners/organisations"
    index_view_class = OrganisationIndexView
    search_fields = ["name", "name_en", "code"]
    list_filter = ["kind", "region", "active"]
    ordering = "name"
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = [
        "name",
        "code",
        "kind",
        Column("region", label=gettext_lazy("region"), accessor="region_name"),
        Column("member_count", label=gettext_lazy("members"), sort_key="member_count"),
        # Wagtail's BooleanColumn titles its icon "True"/"False" untranslated: words instead.
        Column(
            "active",
            label=gettext_lazy("active"),
            accessor=lambda o: _("Yes") if o.active else _("No"),
            sort_key="active",
        ),
    ]

    @cached_property
    def panels(self):
        return [
            MultiFieldPanel(
                [
                    FieldPanel("name"),
                    FieldPanel("name_en"),
                    FieldRowPanel([FieldPanel("code"), FieldPanel("kind"), FieldPanel("region")]),
                    FieldPanel("logo"),
                    FieldPanel("description"),
                    FieldPanel("description_en"),
                    FieldPanel("active"),
                ],
                heading=gettext_lazy("The organisation"),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("contact_name"), FieldPanel("contact_phone")]),
                    FieldPanel("contact_email"),
                    FieldPanel("website"),
                    FieldPanel("embed_origins"),
                ],
                heading=gettext_lazy("Contact and embedding"),
            ),
            InlinePanel(
                "memberships",
                heading=gettext_lazy("Members"),
                label=gettext_lazy("member"),
                panels=[
                    FieldPanel("user", widget=member_chooser_viewset.widget_class),
                    FieldPanel("role"),
                ],
            ),
        ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/add-member/", AddMemberView.as_view(), name="add_member"),
        ]


# A contributor account from the organisation's page --------------------------------------


class AddMemberForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Username"), max_length=150)
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=150, required=False)
    email = forms.EmailField(label=gettext_lazy("E-mail"))
    role = forms.ChoiceField(
        label=gettext_lazy("Role"), choices=MemberRole.choices, initial=MemberRole.CONTRIBUTOR
    )
    password1 = forms.CharField(
        label=gettext_lazy("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("Give it to the contributor, who can change it after signing in."),
    )
    password2 = forms.CharField(
        label=gettext_lazy("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        users = get_user_model()
        username_field = users._meta.get_field(users.USERNAME_FIELD)
        for validator in getattr(username_field, "validators", []):
            validator(username)
        if users.objects.filter(**{f"{users.USERNAME_FIELD}__iexact": username}).exists():
            raise forms.ValidationError(_("The username %(name)s is taken.") % {"name": username})
        return username

    def clean(self):
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first and cleaned.get("username"):
            candidate = get_user_model()(
                username=cleaned["username"], email=cleaned.get("email", "")
            )
            try:
                password_validation.validate_password(first, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class AddMemberView(WagtailAdminTemplateMixin, FormView):
    model = Organisation  # what the admin's route walkers read
    form_class = AddMemberForm
    template_name = "partners/admin/add_member.html"
    header_icon = "user"

    def dispatch(self, request, *args, **kwargs):
        if not _may_manage(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def organisation(self) -> Organisation:
        return get_object_or_404(Organisation, pk=self.kwargs["pk"])

    def get_page_title(self):
        return _("Add a contributor account to %(name)s") % {"name": self.organisation.name}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("partners_organisations:index"), "label": _("Organisations")},
            {
                "url": reverse("partners_organisations:edit", args=[self.organisation.pk]),
                "label": self.organisation.name,
            },
            {"url": "", "label": _("Add a contributor account")},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["organisation"] = self.organisation
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        with transaction.atomic():
            user = get_user_model().objects.create_user(
                username=data["username"], email=data["email"], password=data["password1"]
            )
            if data["name"]:
                user.first_name = data["name"]
                user.save(update_fields=["first_name"])
            Membership.objects.create(user=user, organisation=self.organisation, role=data["role"])
        messages.success(
            self.request,
            _("%(name)s can now sign in to the contribution area for %(org)s.")
            % {"name": user.get_username(), "org": self.organisation.name},
        )
        return redirect("partners_organisations:edit", self.organisation.pk)
