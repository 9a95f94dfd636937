"""Small helpers shared by test modules (not factories: they build request data)."""


def basket_formset_data(basket, changes: dict[str, int], remove=(), extra=None) -> dict:
    """POST data for the basket page's formset: quantities by UPC, lines to remove, extra fields."""
    lines = list(basket.lines.select_related("product").order_by("pk"))
    data = {
        "form-TOTAL_FORMS": len(lines),
        "form-INITIAL_FORMS": len(lines),
        "form-MIN_NUM_FORMS": 0,
        "form-MAX_NUM_FORMS": 1000,
    }
    for index, line in enumerate(lines):
        sku = line.product.upc
        data[f"form-{index}-id"] = line.pk
        data[f"form-{index}-quantity"] = changes.get(sku, line.quantity)
        if sku in remove:
            data[f"form-{index}-DELETE"] = "on"
        for name, value in (extra or {}).get(sku, {}).items():
            data[f"form-{index}-{name}"] = value
    return data
