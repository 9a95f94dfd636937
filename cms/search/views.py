from django.shortcuts import render

from cms.search.forms import SiteSearchForm
from cms.search.selectors import SiteSearchResults, site_search


def search(request):
    """One results page: products first (what a buyer mostly looks for), then content pages."""
    form = SiteSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results = site_search(query=query, request=request) if query else SiteSearchResults(query="")
    return render(
        request,
        "cms_search/results.html",
        {"form": form, "results": results, "site_search_query": query},
    )
