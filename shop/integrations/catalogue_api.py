"""The ERP's bulk upserts of products, stock and price-list entries, and reading a price list.

A request sends ``{"mode": "atomic" | "per_item", "items": [...]}`` as JSON, or a CSV/XLSX
``file`` (first line: the column names, the same names as the JSON fields) with an optional
``mode`` field as multipart form data. The file is read by ``shop.uploads.read_table``, the
reader the quick order and the price-list import use. The answer lists every item with its
status; an atomic request with any bad item writes nothing and answers 422 with every error.
"""

from decimal import Decimal

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from oscar.core.loading import get_model
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from shop import uploads
from shop.catalogue.services import category_paths_by_id, products_upsert
from shop.integrations.idempotency import HEADER as IDEMPOTENCY_HEADER
from shop.integrations.idempotency import IdempotentMixin
from shop.integrations.models import Scope
from shop.integrations.permissions import scope_required
from shop.partner.services import stock_upsert
from shop.pricing.models import PriceList
from shop.pricing.services import price_list_by_ref, price_list_entries_upsert

StockRecord = get_model("partner", "StockRecord")

MAX_ITEMS = 5000
# Below Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB): an Idempotency-Key fingerprints the
# whole body, and 5,000 lines of a few columns take well under 1 MB.
MAX_FILE_BYTES = 2 * 1024 * 1024
MODES = ("atomic", "per_item")


class DecimalJSONParser(JSONParser):
    """JSON with numbers such as 12.30 read as Decimal, never as float."""

    def parse(self, stream, media_type=None, parser_context=None):
        import json

        from django.conf import settings
        from rest_framework.exceptions import ParseError

        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)

        def refuse_constant(name):
            raise ValueError(f"{name} is not a number")

        try:
            return json.loads(
                stream.read().decode(encoding), parse_float=Decimal, parse_constant=refuse_constant
            )
        except ValueError as exc:
            raise ParseError(_("JSON parse error: %(error)s") % {"error": exc}) from None


PARSERS = [DecimalJSONParser, MultiPartParser, FormParser]


# --- what the schema shows ----------------------------------------------------------------


class ProductItemSerializer(serializers.Serializer):
    sku = serializers.CharField(required=False, help_text=gettext_lazy("Our SKU (the UPC)."))
    external_id = serializers.CharField(
        required=False, help_text=gettext_lazy("The ERP's key of the product.")
    )
    title = serializers.CharField(
        required=False, help_text=gettext_lazy("Needed for a new product.")
    )
    product_class = serializers.CharField(
        required=False, help_text=gettext_lazy("Product class by name; needed for a new product.")
    )
    category = serializers.CharField(
        required=False,
        help_text=gettext_lazy("Full category path, e.g. 'Bearings > Ball bearings'."),
    )
    description = serializers.CharField(required=False)
    is_public = serializers.BooleanField(required=False)


class StockItemSerializer(serializers.Serializer):
    sku = serializers.CharField(required=False)
    product_external_id = serializers.CharField(required=False)
    partner = serializers.CharField(help_text=gettext_lazy("The partner's (warehouse's) code."))
    partner_sku = serializers.CharField(required=False)
    num_in_stock = serializers.IntegerField(required=False, min_value=0)
    price = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False,
        help_text=gettext_lazy("Net list price, e.g. \"12.50\"."),
    )  # fmt: skip
    price_currency = serializers.CharField(required=False, min_length=3, max_length=3)


class PriceEntryItemSerializer(serializers.Serializer):
    sku = serializers.CharField(required=False)
    product_external_id = serializers.CharField(required=False)
    category = serializers.CharField(required=False)
    price = serializers.DecimalField(
        max_digits=16,
        decimal_places=4,
        help_text=gettext_lazy("The unit price, or the percent off."),
    )
    kind = serializers.ChoiceField(choices=["fixed", "percent"], required=False, default="fixed")
    min_quantity = serializers.IntegerField(required=False, min_value=1, default=1)
    min_order_quantity = serializers.IntegerField(required=False, min_value=1)
    order_multiple = serializers.IntegerField(required=False, min_value=1)


def _bulk_request(name: str, item: type[serializers.Serializer]) -> type[serializers.Serializer]:
    return type(
        name,
        (serializers.Serializer,),
        {
            "mode": serializers.ChoiceField(choices=MODES, default="atomic"),
            "items": item(many=True),
        },
    )


class FileUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=gettext_lazy("CSV (UTF-8) or XLSX; the first line names the columns.")
    )
    mode = serializers.ChoiceField(choices=MODES, default="atomic")


class ItemErrorSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class ItemResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text=gettext_lazy("Position in items (from 0)."))
    line = serializers.IntegerField(
        required=False, help_text=gettext_lazy("Line in the uploaded file.")
    )
    key = serializers.CharField()
    status = serializers.ChoiceField(
        choices=["created", "updated", "unchanged", "error", "skipped"]
    )
    errors = ItemErrorSerializer(many=True)


class BulkResultSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=MODES)
    applied = serializers.BooleanField(help_text=gettext_lazy("False: nothing was written."))
    counts = serializers.DictField(child=serializers.IntegerField())
    results = ItemResultSerializer(many=True)
    detail = serializers.CharField(required=False)
    code = serializers.CharField(required=False)


class PriceListEntryOutSerializer(serializers.Serializer):
    sku = serializers.CharField(allow_blank=True)
    product_external_id = serializers.CharField(allow_blank=True)
    category = serializers.CharField(allow_blank=True)
    kind = serializers.CharField()
    value = serializers.DecimalField(max_digits=16, decimal_places=4)
    min_quantity = serializers.IntegerField()
    min_order_quantity = serializers.IntegerField(allow_null=True)
    order_multiple = serializers.IntegerField(allow_null=True)


class PriceListOutSerializer(serializers.Serializer):
    code = serializers.CharField()
    external_id = serializers.CharField()
    name = serializers.CharField()
    currency = serializers.CharField()
    company_id = serializers.IntegerField(allow_null=True)
    company_external_id = serializers.CharField(allow_null=True)
    customer_group = serializers.CharField(allow_null=True)
    valid_from = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)
    is_active = serializers.BooleanField()
    entries = PriceListEntryOutSerializer(many=True)


ERRORS = {
    400: OpenApiTypes.OBJECT,
    401: OpenApiTypes.OBJECT,
    403: OpenApiTypes.OBJECT,
    404: OpenApiTypes.OBJECT,
    409: OpenApiTypes.OBJECT,
}
IDEMPOTENCY = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string per intended change: a retry with the same key and body returns "
        "the first answer and writes nothing again."
    ),
)
PRICE_LIST_REF = OpenApiParameter(
    "ref",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The price list's code, or the ERP's key as ext:<external id>.",
)


BULK_DESCRIPTION = (
    'Send JSON `{"mode": "atomic" | "per_item", "items": [...]}` (at most '
    f"{MAX_ITEMS:,} items; mode defaults to atomic), or multipart form data with a CSV (UTF-8) "
    f"or XLSX `file` of at most {MAX_FILE_BYTES // (1024 * 1024)} MB whose first line names "
    "the columns (the JSON field names) and an optional `mode`.\n\n"
    "**atomic**: if any item is wrong nothing is written and the answer is 422 with every "
    "error (the good items are `skipped`). **per_item**: the good items are written and the "
    "bad ones reported; the answer is 200. Every result names its item (`index`, and `line` "
    "for a file), a `key`, a `status` (created, updated, unchanged, error, skipped) and "
    "`errors` as `{field, message}`. Cells starting with =, +, -, @, a tab or a line break "
    "are refused as formulas."
)


def _bulk_schema(operation_id: str, summary: str, item, parameters=()):
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        description=BULK_DESCRIPTION,
        parameters=[*parameters, IDEMPOTENCY],
        request={
            "application/json": _bulk_request(f"{item.__name__[:-10]}BulkRequest", item),
            "multipart/form-data": FileUploadSerializer,
        },
        responses={200: BulkResultSerializer, 422: BulkResultSerializer, **ERRORS},
    )


# --- reading a request ------------------------------------------------------------------------


class BadRequest(Exception):
    def __init__(self, message: str, field: str | None = None):
        self.message, self.field = message, field


def _mode(value) -> bool:
    mode = value if value not in (None, "") else "atomic"
    if mode not in MODES:
        raise BadRequest(_("mode must be 'atomic' or 'per_item'."), "mode")
    return mode == "atomic"


def _file_items(upload) -> tuple[list[dict], list[int]]:
    """Items (column name -> cell text) and their line numbers, from an uploaded CSV/XLSX."""
    if upload.size > MAX_FILE_BYTES:
        raise BadRequest(
            _("The file is larger than %(size)s MB: split it.")
            % {"size": MAX_FILE_BYTES // (1024 * 1024)},
            "file",
        )
    try:
        table = uploads.read_table(data=upload.read(), max_rows=MAX_ITEMS + 1)
    except uploads.UploadError as exc:
        raise BadRequest(exc.message, "file") from None
    if not table.rows:
        raise BadRequest(_("The file is empty: the first line names the columns."), "file")
    if table.more:
        raise BadRequest(
            _("The file has more than %(max)s lines: split it.") % {"max": f"{MAX_ITEMS:,}"},
            "file",
        )
    header = [cell.strip().lower() for cell in table.rows[0][1]]
    items, lines = [], []
    for number, cells in table.rows[1:]:
        items.append(
            {name: cell.strip() for name, cell in zip(header, cells, strict=False) if name}
        )
        lines.append(number)
    if not items:
        raise BadRequest(_("The file has a header but no lines."), "file")
    return items, lines


def _request_items(request) -> tuple[list[dict], bool, list[int] | None]:
    """(items, atomic, file line numbers or None) from a JSON body or a multipart upload."""
    upload = request.FILES.get("file") if request.content_type.startswith("multipart/") else None
    if upload is not None:
        items, lines = _file_items(upload)
        return items, _mode(request.data.get("mode")), lines
    data = request.data
    if not isinstance(data, dict):
        raise BadRequest(_("Send a JSON object with mode and items, or a file."))
    atomic = _mode(data.get("mode"))
    items = data.get("items")
    if not isinstance(items, list) or not items:
        raise BadRequest(_("items must be a list of at least one object."), "items")
    if len(items) > MAX_ITEMS:
        raise BadRequest(
            _("At most %(max)s items per request: split them.") % {"max": f"{MAX_ITEMS:,}"},
            "items",
        )
    if not all(isinstance(item, dict) for item in items):
        raise BadRequest(_("Every item must be a JSON object."), "items")
    return items, atomic, None


def _bulk_response(result, lines: list[int] | None) -> Response:
    body = result.as_dict()
    if lines is not None:
        for entry in body["results"]:
            entry["line"] = lines[entry["index"]]
    if result.atomic and result.has_errors:
        errors = body["counts"]["error"]
        body["detail"] = _("%(count)s of %(total)s items have errors: nothing was written.") % {
            "count": errors,
            "total": len(body["results"]),
        }
        body["code"] = "items_invalid"
        return Response(body, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
    return Response(body)


def _bad_request(exc: BadRequest) -> Response:
    return Response(
        {"detail": exc.message, "field": exc.field, "code": "invalid"},
        status=status.HTTP_400_BAD_REQUEST,
    )


class _BulkView(IdempotentMixin, APIView):
    """Shared by the bulk endpoints; each subclass's ``post`` calls ``bulk_post``."""

    parser_classes = PARSERS

    def target(self, **kwargs):
        return None

    def upsert(self, request, items: list[dict], atomic: bool, from_file: bool, target):
        raise NotImplementedError

    def bulk_post(self, request, **kwargs) -> Response:
        try:
            target = self.target(**kwargs)
            items, atomic, lines = _request_items(request)
        except BadRequest as exc:
            return _bad_request(exc)
        result = self.upsert(request, items, atomic, lines is not None, target)
        return _bulk_response(result, lines)


class ProductBulkView(_BulkView):
    """Create or update products by sku or external_id."""

    permission_classes = [scope_required(Scope.CATALOGUE_WRITE)]

    @_bulk_schema(
        "products_bulk_upsert",
        "Create or update products by sku or external_id",
        ProductItemSerializer,
    )
    def post(self, request, **kwargs):
        return self.bulk_post(request, **kwargs)

    def upsert(self, request, items, atomic, from_file, target):
        return products_upsert(
            items=items, atomic=atomic, by_user=request.user, from_file=from_file
        )


class StockBulkView(_BulkView):
    """Create or update stock records per partner and product."""

    permission_classes = [scope_required(Scope.CATALOGUE_WRITE)]

    @_bulk_schema(
        "stock_bulk_upsert",
        "Create or update stock records (stock on hand and list price) per partner",
        StockItemSerializer,
    )
    def post(self, request, **kwargs):
        return self.bulk_post(request, **kwargs)

    def upsert(self, request, items, atomic, from_file, target):
        return stock_upsert(items=items, atomic=atomic, by_user=request.user, from_file=from_file)


def _price_list_or_404(ref: str) -> PriceList:
    price_list = price_list_by_ref(ref=ref)
    if price_list is None:
        raise Http404(_("No price list %(ref)s.") % {"ref": ref[:80]})
    return price_list


class PriceListEntriesBulkView(_BulkView):
    """Create or update a price list's entries."""

    permission_classes = [scope_required(Scope.PRICES_WRITE)]

    @_bulk_schema(
        "price_list_entries_bulk_upsert",
        "Create or update a price list's entries (checked as the CSV import checks them)",
        PriceEntryItemSerializer,
        parameters=[PRICE_LIST_REF],
    )
    def post(self, request, **kwargs):
        return self.bulk_post(request, **kwargs)

    def target(self, *, ref: str):
        return _price_list_or_404(ref)

    def upsert(self, request, items, atomic, from_file, target):
        return price_list_entries_upsert(
            price_list=target, items=items, atomic=atomic, by_user=request.user
        )


class PriceListDetailView(APIView):
    """A price list (by code or ext:<external id>) with all its entries."""

    permission_classes = [scope_required(Scope.PRICES_WRITE)]

    @extend_schema(
        operation_id="price_list_read",
        summary="A price list with all its entries",
        parameters=[PRICE_LIST_REF],
        responses={200: PriceListOutSerializer, **ERRORS},
    )
    def get(self, request, ref: str):
        price_list = _price_list_or_404(ref)
        price_list = PriceList.objects.select_related("company", "customer_group").get(
            pk=price_list.pk
        )
        entries = list(
            price_list.entries.select_related("product").order_by(
                "product_id", "category_id", "min_quantity"
            )
        )
        product_ids = {e.product_id for e in entries if e.product_id}
        skus = (
            dict(
                StockRecord.objects.filter(product_id__in=product_ids)
                .order_by("-pk")
                .values_list("product_id", "partner_sku")
            )
            if product_ids
            else {}
        )
        paths = category_paths_by_id() if any(e.category_id for e in entries) else {}
        data = {
            "code": price_list.code,
            "external_id": price_list.external_id,
            "name": price_list.name,
            "currency": price_list.currency,
            "company_id": price_list.company_id,
            "company_external_id": price_list.company.external_id if price_list.company else None,
            "customer_group": price_list.customer_group.slug if price_list.customer_group else None,
            "valid_from": price_list.valid_from,
            "valid_until": price_list.valid_until,
            "is_active": price_list.is_active,
            "entries": [
                {
                    "sku": (skus.get(e.product_id) or e.product.upc or "") if e.product_id else "",
                    "product_external_id": e.product.external_id if e.product_id else "",
                    "category": paths.get(e.category_id, "") if e.category_id else "",
                    "kind": e.kind,
                    "value": e.value,
                    "min_quantity": e.min_quantity,
                    "min_order_quantity": e.min_order_quantity,
                    "order_multiple": e.order_multiple,
                }
                for e in entries
            ],
        }
        return Response(PriceListOutSerializer(data).data)


urlpatterns = [
    path("products/bulk/", ProductBulkView.as_view(), name="product-bulk"),
    path("stock/bulk/", StockBulkView.as_view(), name="stock-bulk"),
    path("price-lists/<str:ref>/", PriceListDetailView.as_view(), name="price-list-detail"),
    path(
        "price-lists/<str:ref>/entries/bulk/",
        PriceListEntriesBulkView.as_view(),
        name="price-list-entries-bulk",
    ),
]
