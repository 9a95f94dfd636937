"""The ERP's REST API (/api/v1/): orders, shipments, tracking events and companies.

Views parse input with serializers and call the orders' services; every view names the one
scope it needs. Writes honour ``Idempotency-Key`` (IdempotentMixin).
"""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from shop.errors import PortalError
from shop.integrations import selectors, serializers
from shop.integrations.idempotency import HEADER as IDEMPOTENCY_HEADER
from shop.integrations.idempotency import IdempotentMixin
from shop.integrations.models import Scope
from shop.integrations.permissions import scope_required
from shop.integrations.services import IntegrationError, order_external_id_set

ERP_SOURCE = "erp"

ERROR_RESPONSES = {
    400: OpenApiTypes.OBJECT,
    401: OpenApiTypes.OBJECT,
    403: OpenApiTypes.OBJECT,
    404: OpenApiTypes.OBJECT,
}
WRITE_ERROR_RESPONSES = {**ERROR_RESPONSES, 409: OpenApiTypes.OBJECT, 422: OpenApiTypes.OBJECT}
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string (e.g. a UUID) per intended change. A retry with the same key and "
        "body returns the first answer (header Idempotent-Replayed: true) and changes nothing; "
        "the same key with another body is refused with 422. Keys are kept for 24 hours."
    ),
)
ORDER_REF = OpenApiParameter(
    "ref",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="Our order number, or the ERP's key as ext:<external id>.",
)
COMPANY_REF = OpenApiParameter(
    "ref",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="Our company id, or the ERP's key as ext:<external id>.",
)
SYNC_PARAMETERS = [
    OpenApiParameter(
        "changed_since",
        OpenApiTypes.DATETIME,
        description="Only records changed at or after this ISO 8601 time.",
    ),
    OpenApiParameter(
        "cursor",
        OpenApiTypes.STR,
        description="next_cursor of the previous page (opaque): continue after it.",
    ),
    OpenApiParameter(
        "limit",
        OpenApiTypes.INT,
        description=f"Page size, 1 to {selectors.MAX_PAGE_SIZE} (default "
        f"{selectors.DEFAULT_PAGE_SIZE}).",
    ),
]


def _service(function, fields: dict[str, str] | None = None, **kwargs):
    """Call an orders service; its error fields are renamed to the API's names."""
    try:
        return function(**kwargs)
    except PortalError as exc:
        exc.field = (fields or {}).get(exc.field, exc.field)
        raise


def _validated(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _order_or_404(ref: str, queryset=None):
    order = selectors.order_by_ref(ref=ref, queryset=queryset)
    if order is None:
        raise Http404(_("No order %(ref)s.") % {"ref": ref[:80]})
    return order


def _order_data(order) -> dict:
    # Re-read with everything the representation needs, prefetched.
    fresh = selectors.orders_for_api().get(pk=order.pk)
    return serializers.OrderSerializer(fresh).data


def _sync_arguments(request) -> dict:
    return {
        "changed_since": selectors.changed_since_parse(request.query_params.get("changed_since")),
        "cursor": request.query_params.get("cursor") or None,
        "limit": selectors.limit_parse(request.query_params.get("limit")),
    }


def _sync_response(request, *, queryset, changed_field: str, serializer) -> Response:
    """One page of an incremental sync: the rows, the cursor to go on from, and whether more wait."""
    page = selectors.sync_page(
        queryset=queryset, changed_field=changed_field, **_sync_arguments(request)
    )
    return Response(
        {
            "results": serializer(page.rows, many=True).data,
            "next_cursor": page.next_cursor,
            "has_more": page.has_more,
        }
    )


class OrderListView(APIView):
    permission_classes = [scope_required(Scope.ORDERS_READ)]

    @extend_schema(
        operation_id="orders_list",
        summary="Orders changed since a cursor (incremental sync)",
        parameters=SYNC_PARAMETERS,
        responses={200: serializers.OrderPageSerializer, **ERROR_RESPONSES},
    )
    def get(self, request):
        return _sync_response(
            request, queryset=selectors.orders_for_api(), changed_field="modified_at",
            serializer=serializers.OrderSerializer,
        )  # fmt: skip


class OrderDetailView(APIView):
    permission_classes = [scope_required(Scope.ORDERS_READ)]

    @extend_schema(
        operation_id="orders_retrieve",
        summary="One order",
        parameters=[ORDER_REF],
        responses={200: serializers.OrderSerializer, **ERROR_RESPONSES},
    )
    def get(self, request, ref: str):
        return Response(serializers.OrderSerializer(_order_or_404(ref)).data)


class OrderExternalIdView(IdempotentMixin, APIView):
    permission_classes = [scope_required(Scope.ORDERS_WRITE)]

    @extend_schema(
        operation_id="orders_external_id_set",
        summary="Store the ERP's key of an order",
        parameters=[ORDER_REF, IDEMPOTENCY_PARAMETER],
        request=serializers.ExternalIdSerializer,
        responses={200: serializers.OrderSerializer, **WRITE_ERROR_RESPONSES},
    )
    def put(self, request, ref: str):
        data = _validated(serializers.ExternalIdSerializer, request)
        order = _order_or_404(ref, queryset=selectors.orders_for_update())
        order_external_id_set(order=order, external_id=data["external_id"])
        return Response(_order_data(order))


class OrderStatusView(IdempotentMixin, APIView):
    permission_classes = [scope_required(Scope.ORDERS_WRITE)]

    @extend_schema(
        operation_id="orders_status_change",
        summary="Move an order to another status (Cancelled cancels it)",
        parameters=[ORDER_REF, IDEMPOTENCY_PARAMETER],
        request=serializers.StatusChangeSerializer,
        responses={200: serializers.OrderSerializer, **WRITE_ERROR_RESPONSES},
    )
    def post(self, request, ref: str):
        from orders.services import order_cancel, order_status_change

        data = _validated(serializers.StatusChangeSerializer, request)
        order = _order_or_404(ref, queryset=selectors.orders_for_update())
        if data["status"] == serializers.cancelled_status():
            _service(
                order_cancel,
                {"reason": "note"},
                order=order,
                reason=data["note"],
                by_user=request.user,
                source=ERP_SOURCE,
            )
        else:
            _service(
                order_status_change,
                {"note": "note"},
                order=order,
                status=data["status"],
                by_user=request.user,
                source=ERP_SOURCE,
                note=data["note"],
            )
        return Response(_order_data(order))


def _shipment_lines(order, lines: list[dict]) -> dict[int, int]:
    """Order line id -> quantity, from lines given by id or by SKU (unique in the order)."""
    by_id = {line.pk: line for line in order.lines.all()}
    by_sku: dict[str, list] = {}
    for line in by_id.values():
        by_sku.setdefault((line.partner_sku or "").upper(), []).append(line)
    quantities: dict[int, int] = {}
    for index, item in enumerate(lines):
        if "line_id" in item:
            if item["line_id"] not in by_id:
                raise IntegrationError(
                    _("Order %(number)s has no line %(id)s.")
                    % {"number": order.number, "id": item["line_id"]},
                    field=f"lines.{index}.line_id",
                )
            line_id = item["line_id"]
        else:
            matches = by_sku.get(item["sku"].strip().upper(), [])
            if len(matches) != 1:
                message = (
                    _("Order %(number)s has no line with SKU %(sku)s.")
                    if not matches
                    else _("Order %(number)s has several lines with SKU %(sku)s: use line_id.")
                )
                raise IntegrationError(
                    message % {"number": order.number, "sku": item["sku"][:64]},
                    field=f"lines.{index}.sku",
                )
            line_id = matches[0].pk
        quantities[line_id] = quantities.get(line_id, 0) + item["quantity"]
    return quantities


class ShipmentCreateView(IdempotentMixin, APIView):
    permission_classes = [scope_required(Scope.ORDERS_WRITE)]

    @extend_schema(
        operation_id="orders_shipments_create",
        summary="Record a (partial) shipment of an order",
        parameters=[ORDER_REF, IDEMPOTENCY_PARAMETER],
        request=serializers.ShipmentCreateSerializer,
        responses={201: serializers.ShipmentSerializer, **WRITE_ERROR_RESPONSES},
    )
    def post(self, request, ref: str):
        from orders.services import shipment_create

        data = _validated(serializers.ShipmentCreateSerializer, request)
        order = _order_or_404(ref)
        shipment = _service(
            shipment_create,
            {"carrier": "carrier_code"},
            order=order,
            lines=_shipment_lines(order, data["lines"]),
            carrier_code=data["carrier_code"],
            tracking_number=data["tracking_number"],
            expected_delivery=data["expected_delivery"],
            by_user=request.user,
            source=ERP_SOURCE,
            external_id=data["external_id"],
        )
        shipment = selectors.shipment_for_api(pk=shipment.pk)
        return Response(
            serializers.ShipmentSerializer(shipment).data, status=status.HTTP_201_CREATED
        )


class TrackingEventCreateView(IdempotentMixin, APIView):
    permission_classes = [scope_required(Scope.ORDERS_WRITE)]

    @extend_schema(
        operation_id="shipments_events_create",
        summary="Record a tracking event of a shipment",
        parameters=[
            OpenApiParameter("number", OpenApiTypes.STR, OpenApiParameter.PATH),
            IDEMPOTENCY_PARAMETER,
        ],
        request=serializers.TrackingEventCreateSerializer,
        responses={201: serializers.TrackingEventSerializer, **WRITE_ERROR_RESPONSES},
    )
    def post(self, request, number: str):
        from orders.services import tracking_event_add

        data = _validated(serializers.TrackingEventCreateSerializer, request)
        shipment = selectors.shipment_by_number(number=number)
        if shipment is None:
            raise Http404(_("No shipment %(number)s.") % {"number": number[:80]})
        event = _service(
            tracking_event_add,
            shipment=shipment,
            kind=data["kind"],
            occurred_at=data["occurred_at"],
            location=data["location"],
            note=data["note"],
            by_user=request.user,
            source=ERP_SOURCE,
        )
        return Response(
            serializers.TrackingEventSerializer(event).data, status=status.HTTP_201_CREATED
        )


class CompanyListView(APIView):
    permission_classes = [scope_required(Scope.COMPANIES_READ)]

    @extend_schema(
        operation_id="companies_list",
        summary="Companies changed since a cursor (incremental sync)",
        parameters=SYNC_PARAMETERS,
        responses={200: serializers.CompanyPageSerializer, **ERROR_RESPONSES},
    )
    def get(self, request):
        return _sync_response(
            request, queryset=selectors.companies_for_api(), changed_field="updated_at",
            serializer=serializers.CompanySerializer,
        )  # fmt: skip


class CompanyDetailView(APIView):
    permission_classes = [scope_required(Scope.COMPANIES_READ)]

    @extend_schema(
        operation_id="companies_retrieve",
        summary="One company",
        parameters=[COMPANY_REF],
        responses={200: serializers.CompanySerializer, **ERROR_RESPONSES},
    )
    def get(self, request, ref: str):
        company = selectors.company_by_ref(ref=ref)
        if company is None:
            raise Http404(_("No company %(ref)s.") % {"ref": ref[:80]})
        return Response(serializers.CompanySerializer(company).data)
