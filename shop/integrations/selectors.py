"""Reads of the ERP API: tokens, orders and companies by our key or the ERP's, sync pages."""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from shop.companies.models import Company
from shop.integrations.models import IntegrationToken
from shop.integrations.services import IntegrationError

EXTERNAL_PREFIX = "ext:"
MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 100


def tokens_for_operator() -> QuerySet[IntegrationToken]:
    return IntegrationToken.objects.select_related("user", "created_by").order_by(
        "revoked_at", "-created_at", "-id"
    )


# --- incremental sync ---------------------------------------------------------------------


@dataclass(frozen=True)
class SyncPage:
    rows: list
    next_cursor: str | None
    has_more: bool


def _cursor_encode(moment: datetime, pk: int) -> str:
    text = json.dumps([moment.isoformat(), pk], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _cursor_decode(cursor: str) -> tuple[datetime, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        moment_text, pk = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        moment = parse_datetime(moment_text)
        if moment is None or not isinstance(pk, int) or isinstance(pk, bool):
            raise ValueError
        if not 0 <= pk < 2**63 or timezone.is_naive(moment):
            raise ValueError
        moment = moment.astimezone(UTC)
    except (ValueError, TypeError, UnicodeError, OverflowError, binascii.Error):
        raise IntegrationError(
            _("The cursor is not one this API gave out."), field="cursor"
        ) from None
    return moment, pk


def changed_since_parse(value: str | None) -> datetime | None:
    """An ISO 8601 timestamp; a naive one is read in the portal's time zone."""
    if not value:
        return None
    try:
        moment = parse_datetime(value.strip())
        if moment is not None and timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        if moment is not None:
            moment = moment.astimezone(UTC)
    except (ValueError, OverflowError):
        moment = None
    if moment is None:
        raise IntegrationError(
            _("changed_since must be an ISO 8601 timestamp, e.g. 2026-01-31T12:00:00Z."),
            field="changed_since",
        )
    return moment


def limit_parse(value: str | None) -> int:
    if value in (None, ""):
        return DEFAULT_PAGE_SIZE
    try:
        limit = int(value)
    except (TypeError, ValueError):
        limit = 0
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise IntegrationError(
            _("limit must be a whole number from 1 to %(max)d.") % {"max": MAX_PAGE_SIZE},
            field="limit",
        )
    return limit


def sync_page(
    *,
    queryset: QuerySet,
    changed_field: str,
    changed_since: datetime | None,
    cursor: str | None,
    limit: int,
) -> SyncPage:
    """One page ordered by (changed_field, id): the cursor is the last row's pair, so rows
    sharing a timestamp are neither skipped nor repeated across pages."""
    if cursor:
        moment, pk = _cursor_decode(cursor)
        queryset = queryset.filter(
            Q(**{f"{changed_field}__gt": moment}) | Q(**{changed_field: moment, "pk__gt": pk})
        )
    if changed_since is not None:
        queryset = queryset.filter(**{f"{changed_field}__gte": changed_since})
    rows = list(queryset.order_by(changed_field, "pk")[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    if rows:
        last = rows[-1]
        next_cursor = _cursor_encode(getattr(last, changed_field), last.pk)
    else:
        next_cursor = cursor or None
    return SyncPage(rows=rows, next_cursor=next_cursor, has_more=has_more)


# --- orders -------------------------------------------------------------------------------


def orders_for_api() -> QuerySet:
    """Every order with what the API shows of it, in a constant number of queries."""
    order_model = get_model("order", "Order")
    line_model = get_model("order", "Line")
    shipment_model = get_model("order", "Shipment")
    shipment_line_model = get_model("order", "ShipmentLine")
    tracking_event_model = get_model("order", "TrackingEvent")
    return order_model.objects.select_related(
        "company", "user", "shipping_address", "billing_address"
    ).prefetch_related(
        Prefetch("lines", queryset=line_model.objects.select_related("product").order_by("pk")),
        Prefetch(
            "shipments",
            queryset=shipment_model.objects.select_related("carrier").order_by("created_at", "pk"),
        ),
        Prefetch("shipments__lines", queryset=shipment_line_model.objects.order_by("pk")),
        Prefetch(
            "shipments__events",
            queryset=tracking_event_model.objects.order_by("occurred_at", "pk"),
        ),
    )


def orders_for_update() -> QuerySet:
    """Orders without the API's prefetches: for writes (the services lock and re-read)."""
    return get_model("order", "Order").objects.all()


def shipment_for_api(*, pk: int):
    shipment_model = get_model("order", "Shipment")
    return (
        shipment_model.objects.select_related("order", "carrier")
        .prefetch_related(
            Prefetch("lines", queryset=get_model("order", "ShipmentLine").objects.order_by("pk")),
            Prefetch(
                "events",
                queryset=get_model("order", "TrackingEvent").objects.order_by("occurred_at", "pk"),
            ),
        )
        .get(pk=pk)
    )


def order_by_ref(*, ref: str, queryset: QuerySet | None = None):
    """The order with our number, or with the ERP's key given as ``ext:<key>``; or None."""
    queryset = orders_for_api() if queryset is None else queryset
    if "\x00" in ref:  # PostgreSQL refuses NUL in a string: no such order
        return None
    if ref.startswith(EXTERNAL_PREFIX):
        key = ref[len(EXTERNAL_PREFIX) :]
        return queryset.filter(external_id=key).first() if key else None
    return queryset.filter(number=ref).first()


def shipment_by_number(*, number: str):
    shipment_model = get_model("order", "Shipment")
    if "\x00" in number:
        return None
    return shipment_model.objects.select_related("order").filter(number=number).first()


# --- companies ----------------------------------------------------------------------------


def companies_for_api() -> QuerySet[Company]:
    return Company.objects.select_related("customer_group").prefetch_related("addresses")


def company_by_ref(*, ref: str) -> Company | None:
    """The company with our id, or with the ERP's key given as ``ext:<key>``; or None."""
    companies = companies_for_api()
    if "\x00" in ref:
        return None
    if ref.startswith(EXTERNAL_PREFIX):
        key = ref[len(EXTERNAL_PREFIX) :]
        return companies.filter(external_id=key).first() if key else None
    if not (ref.isascii() and ref.isdigit()) or len(ref) > 18:
        return None
    return companies.filter(pk=int(ref)).first()
