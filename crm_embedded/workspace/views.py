"""The workspace room: the account manager's home in the CRM."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from crm_embedded.access import staff_required
from shop.companies import selectors
from shop.companies.models import CompanyApplication


@staff_required
def workspace(request: HttpRequest) -> HttpResponse:
    companies = selectors.companies_for_staff(user=request.user)
    pending = selectors.applications_for_staff(user=request.user).filter(
        status=CompanyApplication.Status.PENDING
    )
    from crm_embedded.quotes.selectors import quotes_awaiting_approval, quotes_for_staff
    from crm_embedded.quotes.states import State
    from crm_embedded.tasks.models import Task

    waiting = quotes_for_staff(user=request.user).filter(
        state__in=[State.REQUESTED, State.IN_REVIEW, State.AWAITING_APPROVAL]
    )
    is_sales_manager = selectors.user_is_sales_manager(user=request.user)
    return render(
        request,
        "crm/workspace.html",
        {
            "tasks": Task.objects.filter(owner=request.user, done_at__isnull=True)[:50],
            "waiting_quotes": waiting.order_by("created_at")[:30],
            "companies": companies.order_by("legal_name")[:50],
            "company_count": companies.count(),
            "pending_applications": pending[:20],
            "is_sales_manager": is_sales_manager,
            "approval_count": quotes_awaiting_approval(user=request.user).count()
            if is_sales_manager
            else 0,
        },
    )
