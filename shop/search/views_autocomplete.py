"""The header search box's suggestions: SKU, title and the company's part number, as JSON."""

from django.http import HttpRequest, JsonResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET

from shop.search.forms import MAX_QUERY_LENGTH
from shop.search.selectors import product_autocomplete
from shop.search.views_search import company_id_for

MIN_QUERY_LENGTH = 2
SUGGESTIONS = 8


def _typed(value: str) -> str:
    """What was typed, on one line; control characters (a database cannot take NUL) dropped."""
    printable = "".join(
        char if char.isprintable() else " " for char in value[: MAX_QUERY_LENGTH * 2]
    )
    return " ".join(printable.split())[:MAX_QUERY_LENGTH]


@require_GET
def autocomplete(request: HttpRequest) -> JsonResponse:
    """Return the first products whose SKU, part number or title fits what is being typed."""
    query = _typed(request.GET.get("q", ""))
    results = []
    if len(query) >= MIN_QUERY_LENGTH:
        results = [
            {
                "title": suggestion.title,
                "sku": suggestion.sku,
                "url": suggestion.url,
                "part_number": suggestion.customer_part_number,
            }
            for suggestion in product_autocomplete(
                query=query, company_id=company_id_for(request), limit=SUGGESTIONS
            )
        ]
    response = JsonResponse({"results": results})
    # A company's part numbers are in the answer: only this browser may keep it, briefly.
    patch_cache_control(response, private=True, max_age=60)
    patch_vary_headers(response, ["Cookie"])
    return response
