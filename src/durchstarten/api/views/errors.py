"""Answers for requests Django turns away before any API view runs (no such route, a crash):
problem details under /api/, the normal pages everywhere else."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

from durchstarten.api.problems import CONTENT_TYPE, NOT_FOUND, problem

API_PREFIX = "/api/"


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def page_not_found(request, exception):
    if _is_api(request):
        body = problem(404, code="not_found", detail=str(NOT_FOUND))
        return JsonResponse(body, status=404, content_type=CONTENT_TYPE)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        detail = _("Ein interner Fehler ist aufgetreten. Er wurde protokolliert.")
        body = problem(500, code="server_error", detail=detail)
        return JsonResponse(body, status=500, content_type=CONTENT_TYPE)
    return defaults.server_error(request)
