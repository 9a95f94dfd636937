"""The cockpit: the account manager's home in the CRM, one screen of what needs doing."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from crm_embedded.access import staff_required
from crm_embedded.quotes.selectors import quotes_awaiting_approval, quotes_for_staff
from crm_embedded.quotes.states import State
from crm_embedded.workspace import selectors
from crm_embedded.workspace.forms import ALL, RepForm
from shop.companies.selectors import applications_for_staff, user_is_sales_manager


@staff_required
def workspace(request: HttpRequest) -> HttpResponse:
    user = request.user
    is_sales_manager = user_is_sales_manager(user=user)
    rep_form, rep_id, status = None, user.pk, 200
    if is_sales_manager:
        rep_form = RepForm(
            request.GET if "rep" in request.GET else None, initial={"rep": str(user.pk)}
        )
        if rep_form.is_bound and rep_form.is_valid():
            rep_id = rep_form.rep_id()
        else:
            if rep_form.is_bound:
                status = 400  # the page says what was wrong above the usual starting view
            if not selectors.cockpit_companies(user=user, rep_id=user.pk).exists():
                rep_id = None  # a sales manager without accounts of their own starts with all reps
    owner_ids = None if rep_id is None else [rep_id]
    data = selectors.cockpit(user=user, rep_id=rep_id, owner_ids=owner_ids)
    companies = data["companies"]
    waiting = quotes_for_staff(user=user).filter(
        state__in=[State.REQUESTED, State.IN_REVIEW, State.AWAITING_APPROVAL]
    )
    if rep_id is not None:
        waiting = waiting.filter(company__account_manager_id=rep_id)
    pending = applications_for_staff(user=user).filter(status="pending")
    return render(
        request,
        "crm/workspace.html",
        {
            **data,
            "crm_tab": "home",
            "rep_form": rep_form,
            "rep_id": rep_id,
            "rep_all": rep_id is None,
            "all_value": ALL,
            "upcoming_tasks": selectors.tasks_upcoming(user=user, owner_ids=owner_ids),
            "waiting_quotes": waiting.order_by("created_at")[:30],
            "company_count": len(companies),
            "companies": companies[:50],
            "pending_applications": pending[:20],
            "is_sales_manager": is_sales_manager,
            "approval_count": quotes_awaiting_approval(user=user).count()
            if is_sales_manager
            else 0,
        },
        status=status,
    )
