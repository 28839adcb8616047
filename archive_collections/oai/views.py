"""The OAI-PMH endpoint: one URL, GET or POST, every answer XML with status 200."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .arguments import Arguments, parse
from .errors import OaiError
from .repository import Repository
from .verbs import VERBS
from .writer import error_body, respond

CONTENT_TYPE = "text/xml; charset=utf-8"


# Harvesters POST form-encoded arguments without a CSRF token; the endpoint changes nothing.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def endpoint(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    query = request.POST if request.method == "POST" else request.GET
    repository = Repository.for_request(request)
    arguments: Arguments | None = None
    try:
        arguments = parse(query)
        body = VERBS[arguments.verb](repository, arguments)
    except OaiError as error:
        echoed = arguments if error.echoes_arguments else None
        chunks = respond(repository, echoed, error_body(error), verb=None)
        return HttpResponse(b"".join(chunks), content_type=CONTENT_TYPE)
    chunks = respond(repository, arguments, body, verb=arguments.verb)
    return StreamingHttpResponse(chunks, content_type=CONTENT_TYPE)
