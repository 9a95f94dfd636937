"""The single customer view: one page per company for the account team."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from crm_embedded.access import company_or_404, staff_required
from crm_embedded.accounts.views import ReassignForm
from orders.selectors import orders_for_company
from shop.companies import selectors


@staff_required
def company_detail(request: HttpRequest, pk: int) -> HttpResponse:
    company = company_or_404(request, pk)
    is_sales_manager = selectors.user_is_sales_manager(user=request.user)
    return render(
        request,
        "crm/company_detail.html",
        {
            "company": company,
            "members": selectors.company_members(company=company),
            "addresses": selectors.company_addresses(company=company),
            "applications": company.applications.select_related("applicant", "decided_by"),
            "orders": orders_for_company(company=company)[:20],
            "quotes": company.quotes.select_related("requested_by")[:20],
            "audit": selectors.company_audit(company=company, limit=100),
            "is_sales_manager": is_sales_manager,
            "reassign_form": ReassignForm(initial={"account_manager": company.account_manager_id})
            if is_sales_manager
            else None,
        },
    )
