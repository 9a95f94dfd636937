"""The ``data`` of each webhook event: what an ERP needs, with its own keys where we know them.

Money is a string with two decimals (never a float); external ids are "" when the ERP has
not given one (some fields are added by other parts of the portal, hence ``getattr``).
"""


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def _iso(value) -> str | None:
    return None if value is None else value.isoformat()


def company_ref(company) -> dict | None:
    """The short form of a company inside another resource."""
    if company is None:
        return None
    return {
        "id": company.pk,
        "external_id": getattr(company, "external_id", "") or "",
        "name": str(company),
    }


def company_data(company) -> dict:
    return {
        **company_ref(company),
        "legal_name": company.legal_name,
        "trading_name": company.trading_name,
        "slug": company.slug,
        "vat_number": company.vat_number,
        "country": company.country,
        "status": company.status,
        "payment_terms": company.payment_terms,
        "credit_limit": _money(company.credit_limit),
        "currency": company.currency,
    }


def order_data(order, *, lines: bool = True) -> dict:
    data = {
        "number": str(order.number),
        "external_id": getattr(order, "external_id", "") or "",
        "status": order.status,
        "currency": order.currency,
        "total_excl_tax": _money(order.total_excl_tax),
        "total_incl_tax": _money(order.total_incl_tax),
        "shipping_excl_tax": _money(order.shipping_excl_tax),
        "shipping_incl_tax": _money(order.shipping_incl_tax),
        "date_placed": _iso(order.date_placed),
        "purchase_order_number": getattr(order, "purchase_order_number", ""),
        "company": company_ref(getattr(order, "company", None)),
        "buyer_email": order.email or "",
    }
    if lines:
        data["lines"] = [
            {
                "id": line.pk,
                "sku": line.partner_sku,
                "upc": line.upc,
                "title": line.title,
                "quantity": line.quantity,
                "unit_price_excl_tax": _money(line.unit_price_excl_tax),
                "line_price_excl_tax": _money(line.line_price_excl_tax),
                "line_price_incl_tax": _money(line.line_price_incl_tax),
            }
            for line in order.lines.order_by("pk")
        ]
    return data


def shipment_data(shipment, order) -> dict:
    carrier = getattr(shipment, "carrier", None)
    lines = getattr(shipment, "lines", None)
    return {
        "number": getattr(shipment, "number", str(shipment.pk)),
        "external_id": getattr(shipment, "external_id", "") or "",
        "order": {
            "number": str(order.number),
            "external_id": getattr(order, "external_id", "") or "",
        },
        "carrier": getattr(carrier, "code", "") if carrier else "",
        "tracking_number": getattr(shipment, "tracking_number", ""),
        "tracking_url": getattr(shipment, "tracking_url", "") or "",
        "expected_delivery": _iso(getattr(shipment, "expected_delivery", None)),
        "created": _iso(getattr(shipment, "created_at", None)),
        "lines": [
            {
                "order_line_id": line.line_id,
                "sku": line.line.partner_sku,
                "quantity": line.quantity,
            }
            for line in lines.select_related("line").order_by("pk")
        ]
        if lines is not None
        else [],
    }
