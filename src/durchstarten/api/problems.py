"""Every error as RFC 9457 problem details (`application/problem+json`), in German or English.

Service `ValidationError`s (business rules) answer 422 with one entry per field; a stale
version answers 409; "not yours" and "does not exist" both answer 404.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:durchstarten:problem:"
NON_FIELD = "non_field_errors"

TITLES = {
    400: _("Ungültige Anfrage"),
    401: _("Nicht angemeldet"),
    403: _("Keine Berechtigung"),
    404: _("Nicht gefunden"),
    405: _("Methode nicht erlaubt"),
    406: _("Format nicht verfügbar"),
    409: _("Konflikt mit einer neueren Änderung"),
    413: _("Anfrage zu groß"),
    415: _("Format nicht unterstützt"),
    422: _("Eingaben ungültig"),
    428: _("Versionsangabe fehlt"),
    429: _("Zu viele Anfragen"),
}
NOT_FOUND = _("Der Datensatz existiert nicht oder ist für Sie nicht sichtbar.")
FORBIDDEN = _("Sie haben keine Berechtigung für diese Aktion.")


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_code = "precondition-required"
    default_detail = _(
        'Bitte senden Sie die Version, die Sie geändert haben, im Kopf "If-Match" (ETag).'
    )


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload-too-large"
    default_detail = _("Die Anfrage ist zu groß.")


class Unprocessable(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "validation"


def _flatten(detail, prefix: str = "") -> list[dict]:
    """DRF's nested error structure as a flat list of {field, message, code}."""
    if isinstance(detail, dict):
        errors = []
        for key, value in detail.items():
            name = "" if key == NON_FIELD else f"{prefix}{key}"
            errors.extend(_flatten(value, f"{name}." if name else ""))
        return errors
    if isinstance(detail, list):
        errors = []
        for index, value in enumerate(detail):
            inner = f"{prefix}{index}." if isinstance(value, dict) else prefix
            errors.extend(_flatten(value, inner))
        return errors
    return [
        {
            "field": prefix.rstrip("."),
            "message": str(detail),
            "code": getattr(detail, "code", "invalid") or "invalid",
        }
    ]


def _from_django_validation(error: DjangoValidationError) -> exceptions.APIException:
    if not hasattr(error, "error_dict") and any(e.code == "stale" for e in error.error_list):
        return Conflict(detail=error.messages[0], code="stale")
    if hasattr(error, "error_dict"):
        detail = {
            (NON_FIELD if field == "__all__" else field): [
                exceptions.ErrorDetail(str(message), code=inner.code or "invalid")
                for inner in errors
                for message in inner.messages
            ]
            for field, errors in error.error_dict.items()
        }
    else:
        detail = {
            NON_FIELD: [
                exceptions.ErrorDetail(str(message), code=inner.code or "invalid")
                for inner in error.error_list
                for message in inner.messages
            ]
        }
    return Unprocessable(detail=detail)


def problem(status_code: int, *, code: str, detail: str, errors: list[dict] | None = None):
    body = {
        "type": f"{TYPE_PREFIX}{code}",
        "title": str(TITLES.get(status_code, _("Fehler"))),
        "status": status_code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return body


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = _from_django_validation(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(NOT_FOUND)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(FORBIDDEN)
    elif isinstance(exc, exceptions.ValidationError):
        exc = Unprocessable(detail=exc.detail)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = exc.detail
    errors = None
    if isinstance(detail, dict | list):
        errors = _flatten(detail)
        text = str(_("Bitte prüfen Sie die Angaben."))
        if len(errors) == 1 and not errors[0]["field"]:
            text, errors = errors[0]["message"], None
    else:
        text = str(detail)
    code = getattr(detail, "code", None) if isinstance(detail, str) else None
    code = code or exc.default_code
    body = problem(response.status_code, code=code, detail=text, errors=errors)
    return Response(
        body, status=response.status_code, headers=dict(response.items()), content_type=CONTENT_TYPE
    )
