"""The API object: version 1 at /api/v1/, its OpenAPI description at /api/v1/openapi.json and
Swagger UI at /api/v1/docs, served from django-ninja's own static files (no other host)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, ValidationError

from . import catalogue, others
from .auth import ResearcherToken, SessionOrAnonymous
from .http import ApiError, error_response

VERSION = "1"


class ArchiveApi(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """The token is optional everywhere: each operation also lists "no credentials" (an
        empty requirement), which ninja has no way to say for a fallback callable."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                operation["security"] = [*operation.get("security", []), {}]
        return schema


api = ArchiveApi(
    title="老科学家学术成长资料采集工程 · Archive API",
    version=VERSION,
    description=(
        "Scientists, fonds, series, items with their files and IIIF links, interviews, "
        "exhibitions and search. Anonymous callers see public records; a researcher token "
        "(`Authorization: Bearer …`) shows researcher-level records too. See docs/API.md."
    ),
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
    # No validator badge: Swagger UI would otherwise fetch one from validator.swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
    auth=[ResearcherToken(), SessionOrAnonymous()],
)
api.add_router("", catalogue.router)
api.add_router("", others.router)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return error_response(exc)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """ninja's 422 becomes a 400 naming the first parameter at fault and what was wrong."""
    first = exc.errors[0] if exc.errors else {}
    location = [str(part) for part in first.get("loc", ()) if part not in ("query", "path")]
    parameter = location[-1] if location else None
    # A list parameter's position ("type", 0) names the list, not the position.
    parameter = next((part for part in reversed(location) if not part.isdigit()), parameter)
    detail = f"{parameter}: {first.get('msg', 'invalid value')}" if parameter else "invalid request"
    return error_response(ApiError(400, detail, parameter))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error_response(ApiError(401, exc.message, "Authorization"))
    response["WWW-Authenticate"] = "Bearer"
    return response
