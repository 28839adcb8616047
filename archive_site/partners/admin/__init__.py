"""The partner network in the Wagtail admin: the reviewers' queue and review page (review.py),
the organisations and their members (organisations.py), grouped under one 共建共享 menu."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.base import ViewSetGroup

from .organisations import OrganisationViewSet
from .review import ReviewViewSet

#: Other parts of the partner network (the per-organisation report) add their menu items to the
#: 共建共享 menu with `@hooks.register(PARTNERS_SUBMENU_HOOK)`.
PARTNERS_SUBMENU_HOOK = "register_partners_menu_item"


class PartnersViewSetGroup(ViewSetGroup):
    menu_label = _("Partner network")
    menu_name = "partners"
    menu_icon = "group"
    menu_order = 160
    submenu_hook = PARTNERS_SUBMENU_HOOK
    items = (ReviewViewSet, OrganisationViewSet)
