"""One JSON error shape for every API failure, from a bad field to an unexpected crash.

    {"error": {"status": 400, "code": "invalid", "message": "…", "fields": {"amount": ["…"]},
               "request_id": "4f6c…"}}

`fields` is present (and may be empty) on every error, so clients can read it unconditionally.
`request_id` is the X-Request-ID of the request (dealtracker.middleware), for a client to quote
when it reports a problem: the log line of the request carries the same id.
Nested fields are named with dots: `parties.0.company`. Errors that belong to no single field
are under `non_field_errors`.
"""

from __future__ import annotations

import logging

from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

logger = logging.getLogger(__name__)

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY


class PreconditionFailed(exceptions.APIException):
    """If-Match named a version of the record that is no longer the current one."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("The record changed since the version your If-Match names.")
    default_code = "precondition_failed"

    def __init__(self, detail=None, code=None, *, etag: str | None = None):
        super().__init__(detail, code)
        self.etag = etag


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is larger than this server accepts (2.5 MB).")
    default_code = "too_large"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This write conflicts with a record that already exists.")
    default_code = "conflict"


def django_validation_detail(error: DjangoValidationError) -> dict | list:
    """A Django ValidationError as DRF detail: {field: [messages]} with `__all__` renamed."""
    if hasattr(error, "error_dict"):
        return {
            (NON_FIELD if field == NON_FIELD_ERRORS else field): messages
            for field, messages in error.message_dict.items()
        }
    return {NON_FIELD: error.messages}


def flatten_fields(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"dotted.field": ["message", ...]}."""
    fields: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for inner, messages in flatten_fields(value, name).items():
                fields.setdefault(inner, []).extend(messages)
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            fields[prefix or NON_FIELD] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                if item:
                    name = f"{prefix}.{index}" if prefix else str(index)
                    for inner, messages in flatten_fields(item, name).items():
                        fields.setdefault(inner, []).extend(messages)
    else:
        fields[prefix or NON_FIELD] = [str(detail)]
    return fields


def first_code(detail) -> str | None:
    codes = detail.get_codes() if hasattr(detail, "get_codes") else None
    while isinstance(codes, dict | list) and codes:
        codes = next(iter(codes.values())) if isinstance(codes, dict) else codes[0]
    return codes if isinstance(codes, str) else None


def request_id_of(request) -> str:
    """The id the request middleware gave this request (the log's id when there is none)."""
    from dealtracker.middleware import current_request_id

    return getattr(request, "request_id", None) or current_request_id.get()


def error_body(
    *, status_code: int, code: str, message: str, fields=None, request_id: str = ""
) -> dict:
    return {
        "error": {
            "status": status_code,
            "code": code,
            "message": message,
            "fields": fields or {},
            "request_id": request_id,
        }
    }


def api_exception_handler(exc, context):
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: translate, let DRF set headers, then reshape."""
    from deals.editorial import EditConflict

    if isinstance(exc, EditConflict):
        exc = Conflict(detail=exc.message, code="edit_conflict")
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(django_validation_detail(exc))
    elif isinstance(exc, IntegrityError):
        logger.info("API write conflicted: %s", exc)
        exc = Conflict()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        # Django refuses to read a body over DATA_UPLOAD_MAX_MEMORY_SIZE; without this it
        # surfaced as a server error.
        exc = PayloadTooLarge()
    elif isinstance(exc, SuspiciousOperation):
        # Such as more than DATA_UPLOAD_MAX_NUMBER_FIELDS query parameters: the pages answer
        # 400 (Django's own handler), and so does the API.
        exc = exceptions.ParseError(_("This request is malformed: %(reason)s") % {"reason": exc})

    request_id = request_id_of(context.get("request"))
    response = exception_handler(exc, context)
    if response is None:
        # Not an API exception: log it with its traceback, answer without one.
        logger.exception("Unhandled error in the API", exc_info=exc)
        return server_error_response(context.get("request"))

    if isinstance(exc, exceptions.ValidationError):
        fields = flatten_fields(exc.detail)
        code = "invalid"
        message = _("Some fields are not valid; see fields for each one.")
        if set(fields) == {NON_FIELD}:
            message = " ".join(fields[NON_FIELD])
    else:
        fields = {}
        code = first_code(exc.detail) or exc.default_code
        message = str(exc.detail) if not isinstance(exc.detail, dict | list) else str(exc)
    if isinstance(exc, exceptions.NotAuthenticated):
        message = _(
            "Authentication credentials were not provided. Send the header "
            "Authorization: Token <your token>."
        )
    response.data = error_body(
        status_code=response.status_code,
        code=code,
        message=message,
        fields=fields,
        request_id=request_id,
    )
    if getattr(exc, "etag", None):
        response["ETag"] = exc.etag  # the current version, for a client to read and retry
    return response


def server_error_response(request) -> JsonResponse:
    body = error_body(
        status_code=500,
        code="server_error",
        message=_("Something went wrong on our side. It has been logged."),
        request_id=request_id_of(request),
    )
    return JsonResponse(body, status=500)


def not_found(request, *args, **kwargs):
    """Any /api/ address that matches no endpoint: a JSON 404, never the HTML page."""
    message = _("There is no API endpoint at this address. The list is at /api/docs/.")
    if not request.path.endswith("/"):
        message = _("There is no API endpoint at this address. Did you mean %(path)s/ ?") % {
            "path": request.path
        }
    body = error_body(
        status_code=404, code="not_found", message=message, request_id=request_id_of(request)
    )
    return JsonResponse(body, status=404)
