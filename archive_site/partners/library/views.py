"""The resource library's pages: the browse (/resources/), a resource (/resources/<pk>/) and its
download package (/resources/<pk>/package.zip). Each asks `resources.visible` for the visitor,
so a resource they may not see answers 404 at every URL, like one that does not exist."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from archive_collections.http import content_disposition
from archive_site.analytics.counting import count
from archive_site.analytics.models import Kind
from media_pipeline.models import ItemFile

from .. import regions
from ..licences import terms as licence_terms
from . import browsing, packaging
from .resources import kind_label, organisation_name, resource_or_404, visible

PER_PAGE = 24


def _link(request: HttpRequest, **changes) -> str:
    """This page's URL with some parameters changed (None removes one)."""
    params: dict[str, str] = {key: str(value) for key, value in request.GET.items()}
    for key, value in changes.items():
        params.pop(key, None)
        if value is not None:
            params[key] = str(value)
    query = urlencode(sorted(params.items()))
    return f"?{query}" if query else "?"


def _first_files(resources) -> dict[int, ItemFile]:
    """Each resource's first file (its card's picture), for a page of resources in one query."""
    wanted = [r.first_file for r in resources if r.first_file]
    return {f.item_id: f for f in ItemFile.objects.filter(pk__in=wanted)}


@require_GET
def library(request: HttpRequest) -> HttpResponse:
    browse = browsing.read(request.GET)
    base = visible(request.user)
    first_file = (
        ItemFile.objects.filter(item_id=OuterRef("item_id")).order_by("sequence", "pk").values("pk")
    )
    shown = (
        browsing.results(base, browse)
        .select_related("organisation")
        .annotate(first_file=Subquery(first_file[:1]))
    )
    page = Paginator(shown, PER_PAGE).get_page(request.GET.get("page"))
    files = _first_files(page.object_list)
    cards = [
        {
            "resource": resource,
            "kind": kind_label(resource),
            "organisation": organisation_name(resource.organisation),
            "file": files.get(resource.item_id) if resource.item_id else None,
        }
        for resource in page.object_list
    ]
    facets = browsing.facets(base, browse, lambda **c: _link(request, **c))
    chips = [
        {"title": facet.title, "label": value.label, "url": value.url}
        for facet in facets
        for value in facet.values
        if value.selected
    ]
    context = {
        "browse": browse,
        "page_obj": page,
        "cards": cards,
        "facets": facets,
        "chips": chips,
        "clear_url": reverse("resources:library"),
        "errors": browse.errors,
    }
    return render(
        request,
        "partners/library/library.html",
        context,
        status=400 if browse.errors else 200,
    )


def _files(resource) -> list[ItemFile]:
    if resource.item_id is None:
        return []
    return list(resource.item.files.all())


def _paragraphs(text: str) -> list[str]:
    """Plain text split at blank lines (contributors' text is never HTML)."""
    return [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]


@require_GET
def resource_page(request: HttpRequest, pk: int) -> HttpResponse:
    resource = resource_or_404(request.user, pk)
    files = _files(resource)
    organisation = resource.organisation
    size = packaging.total_bytes(files)
    context = {
        "resource": resource,
        # The record whose files these are: the viewer and its manifest read `item`.
        "item": resource.item,
        "files": files,
        "kind": kind_label(resource),
        "organisation": organisation,
        "organisation_name": organisation_name(organisation),
        "region_name": regions.region_name(organisation.region),
        "organisation_url": reverse("resources:library")
        + "?"
        + urlencode({"organisation": organisation.pk}),
        "licence_url": licence_terms(resource.licence).url,
        "paragraphs": _paragraphs(resource.body),
        "scientists": resource.scientists.order_by(Lower("name_pinyin")).prefetch_related("names"),
        "package_bytes": size,
        "package_too_big": size > packaging.max_bytes(),
        "package_limit": packaging.max_bytes(),
    }
    return render(request, "partners/library/resource.html", context)


@require_GET
def package(request: HttpRequest, pk: int) -> HttpResponse | StreamingHttpResponse:
    resource = resource_or_404(request.user, pk)
    files = _files(resource)
    size = packaging.total_bytes(files)
    if size > packaging.max_bytes():
        context = {
            "resource": resource,
            "package_bytes": size,
            "package_limit": packaging.max_bytes(),
            "resource_url": reverse("resources:resource", kwargs={"pk": resource.pk}),
        }
        response = render(request, "partners/library/package_refused.html", context, status=413)
        response["Cache-Control"] = "private, no-store"
        return response
    url = request.build_absolute_uri(reverse("resources:resource", kwargs={"pk": resource.pk}))
    stream = StreamingHttpResponse(
        packaging.stream(resource, url, files), content_type="application/zip"
    )
    stream["Content-Disposition"] = content_disposition(
        packaging.package_filename(resource), attachment=True
    )
    # Partner-only packages must not sit in a shared cache; public ones are cheap to rebuild.
    stream["Cache-Control"] = "private, no-store"
    stream["X-Content-Type-Options"] = "nosniff"
    count(request, Kind.RESOURCE_DOWNLOAD, resource.pk)
    return stream
