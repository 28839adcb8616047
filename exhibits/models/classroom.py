"""Classroom mode for the exhibit pages a teacher projects: exhibitions, chapters and stories."""

from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.routable_page.models import RoutablePageMixin, path

from exhibits.classroom import build_slides, qr_svg, render_blocks

CLASSROOM_ROUTE = "classroom"
CLASSROOM_TEMPLATE = "exhibits/classroom/deck.html"


class ClassroomMixin(RoutablePageMixin):
    """Gives a page its classroom mode at `<page URL>classroom/` (a route of the page, so the
    anonymous page cache keeps it under its own path like any page) and as a preview mode in the
    editor. Put it before BasePage in the bases; a page type says what its deck holds by
    overriding `classroom_slides()`.

    A child page with the slug `classroom` would be hidden behind the route: routes are matched
    before child pages."""

    preview_modes = [("", _("Default")), (CLASSROOM_ROUTE, _("Classroom mode"))]

    def classroom_slides(self) -> list:
        return build_slides(self)

    def classroom_url(self, request=None) -> str:
        return (self.get_url(request) or "") + self.reverse_subpage(CLASSROOM_ROUTE).lstrip("/")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["classroom_url"] = self.classroom_url(request)
        return context

    @path("classroom/", name=CLASSROOM_ROUTE)
    def classroom(self, request):
        context = self.get_context(request)
        slides = render_blocks(self.classroom_slides(), context)
        # The public address, as the canonical link gives it: the same for every visitor.
        public_url = self.get_full_url(request) or request.build_absolute_uri(self.url)
        context.update(
            {
                "slides": slides,
                "slide_count": len(slides),
                "public_url": public_url,
                "qr_code": qr_svg(public_url),
            }
        )
        return TemplateResponse(request, CLASSROOM_TEMPLATE, context)

    def serve_preview(self, request, mode_name):
        if mode_name == CLASSROOM_ROUTE:
            return self.classroom(request)
        return super(RoutablePageMixin, self).serve_preview(request, mode_name)
