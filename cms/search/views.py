from django.shortcuts import redirect, render

from cms.search.forms import SiteSearchForm
from cms.search.selectors import SiteSearchResults, site_search


def search(request):
    """One results page: products first (what a buyer mostly looks for), then content pages."""
    form = SiteSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results = SiteSearchResults(query="")
    if query:
        member = getattr(request, "company_member", None)  # whose own part numbers count
        company_id = member.company_id if member is not None else None
        results = site_search(query=query, request=request, company_id=company_id)
    if results.exact_url:
        # A SKU, maker's number or the company's own part number: the buyer wants that part.
        return redirect(results.exact_url)
    return render(
        request,
        "cms_search/results.html",
        {"form": form, "results": results, "site_search_query": query},
    )
