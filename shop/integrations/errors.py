"""One JSON error shape for the API: ``{"detail": ..., "field": ..., "code": ...}``."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from shop.errors import PortalError


def _portal_status(exc: PortalError) -> int:
    explicit = getattr(exc, "http_status", None)
    if explicit:
        return explicit
    try:
        from orders.states import OrderStatusError
    except ImportError:  # the status machine is not there yet
        return status.HTTP_400_BAD_REQUEST
    # The order services raise one error class. The API has already checked that a status is
    # one of the known ones, so an error about the status (or about no field) is a move the
    # order's current state does not allow (409); one about another field is the input (400).
    if isinstance(exc, OrderStatusError) and exc.field in (None, "status"):
        return status.HTTP_409_CONFLICT
    return status.HTTP_400_BAD_REQUEST


def _first_field(errors) -> str | None:
    if isinstance(errors, dict):
        for name, value in errors.items():
            if name == "non_field_errors":
                return None
            inner = _first_field(value) if isinstance(value, dict | list) else None
            return f"{name}.{inner}" if inner else name
    if isinstance(errors, list):
        for index, value in enumerate(errors):
            if value:
                inner = _first_field(value)
                return f"{index}.{inner}" if inner else None
    return None


def _first_message(errors) -> str:
    if isinstance(errors, dict):
        for value in errors.values():
            return _first_message(value)
    if isinstance(errors, list):
        for value in errors:
            message = _first_message(value)
            if message:
                return message
        return ""
    return str(errors)


def api_exception_handler(exc, context):
    """Turn domain, validation and DRF errors into the API's JSON error; 500s stay 500s."""
    if isinstance(exc, PortalError):
        set_rollback()
        return Response(
            {"detail": exc.message, "field": exc.field, "code": "invalid"},
            status=_portal_status(exc),
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data
        field = _first_field(errors)
        message = _first_message(errors) or gettext("Invalid input.")
        response.data = {
            "detail": f"{field}: {message}" if field else message,
            "field": field,
            "code": "invalid",
            "errors": errors,
        }
    elif isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        response.data = {
            "detail": str(detail),
            "field": None,
            "code": getattr(detail, "code", None) or "error",
        }
    return response
