"""The header search box's suggestions: SKU and title, as JSON."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from shop.search.selectors import product_autocomplete
from shop.search.views_search import MAX_QUERY_LENGTH


@require_GET
def autocomplete(request: HttpRequest) -> JsonResponse:
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
    if len(query) < 2:
        return JsonResponse({"results": []})
    membership = getattr(request, "company_member", None)
    company_id = membership.company_id if membership is not None else None
    results = product_autocomplete(query=query, company_id=company_id)
    return JsonResponse(
        {
            "results": [
                {
                    "title": s.title,
                    "sku": s.sku,
                    "url": s.url,
                    "part_number": s.customer_part_number,
                }
                for s in results
            ]
        }
    )
