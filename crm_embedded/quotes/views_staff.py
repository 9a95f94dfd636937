"""The account manager's side of quotes, in the CRM at /crm/quotes/: review, price, send."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm_embedded.access import staff_required
from crm_embedded.quotes import selectors, services
from crm_embedded.quotes.forms import ApprovalDecisionForm, MessageForm, TermsForm
from crm_embedded.quotes.states import OPEN_STATES, STAFF_EDITABLE, IllegalTransition, State
from crm_embedded.quotes.views_buyer import version_pdf_response
from shop.bulk.parser import is_whole
from shop.companies.selectors import user_is_sales_manager


def _quote_or_404(request: HttpRequest, pk: int):
    return get_object_or_404(selectors.quotes_for_staff(user=request.user), pk=pk)


@staff_required
def quote_list(request: HttpRequest) -> HttpResponse:
    quotes = selectors.quotes_for_staff(user=request.user)
    state = request.GET.get("state", "open")
    if state == "open":
        quotes = quotes.filter(state__in=OPEN_STATES)
    elif state in State.values:
        quotes = quotes.filter(state=state)
    return render(
        request,
        "quotes/staff/list.html",
        {"quotes": quotes[:300], "state": state, "states": State.choices, "crm_tab": "quotes"},
    )


@staff_required
def quote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    quote = _quote_or_404(request, pk)
    economics = services.quote_line_economics(quote)
    lines = []
    for row in economics:
        row.line.economics = row  # cost, margin and discount beside each line
        lines.append(row.line)
    # The same rule the send applies, on the draft as saved: the notice before sending.
    needing = (
        [(row.line, row.needs_approval_because) for row in economics if row.needs_approval_because]
        if quote.state in STAFF_EDITABLE
        else []
    )
    return render(
        request,
        "quotes/staff/detail.html",
        {
            "quote": quote,
            "lines": lines,
            "editable": quote.state in STAFF_EDITABLE,
            "needing": needing,
            "approved": services.quote_is_approved(quote),
            "is_sales_manager": user_is_sales_manager(user=request.user),
            "awaiting_approval": quote.state == State.AWAITING_APPROVAL,
            "approval_needing": services.lines_needing_approval(quote)
            if quote.state == State.AWAITING_APPROVAL
            else [],
            "approval_requester": selectors.quote_approval_requester(quote=quote),
            "approval_form": ApprovalDecisionForm(),
            "versions": selectors.quote_versions_with_changes(quote=quote),
            "thread": selectors.quote_thread(quote=quote, staff=True),
            "events": quote.events.select_related("by"),
            "message_form": MessageForm(),
            "terms_form": TermsForm(
                initial={"valid_until": quote.valid_until, "terms": quote.terms}
            ),
            "State": State,
            "crm_tab": "quotes",
        },
    )


@staff_required
@require_POST
def quote_lines(request: HttpRequest, pk: int) -> HttpResponse:
    quote = _quote_or_404(request, pk)
    changes: dict[int, dict] = {}
    for key, value in request.POST.items():
        if not key.startswith(("qty_", "price_", "pct_")):
            continue
        field, _sep, line_id = key.partition("_")
        if not is_whole(line_id):
            continue
        value = value.strip().replace(",", ".")
        if field == "qty" and not is_whole(value):
            messages.error(
                request,
                _("'%(value)s' is not a quantity: use a whole number (0 removes).")
                % {"value": value[:20]},
            )
            return redirect("crm:quote-detail", pk=pk)
        name = {"qty": "quantity", "price": "unit_price", "pct": "percent_off"}[field]
        changes.setdefault(int(line_id), {})[name] = value
    for change in changes.values():
        if change.get("percent_off"):
            # The price field is pre-filled with the current price: a percentage replaces it.
            change.pop("unit_price", None)
    try:
        services.quote_lines_update(quote=quote, by=request.user, changes=changes)
    except (services.QuoteError, IllegalTransition) as exc:
        messages.error(request, exc.message)
    except (ArithmeticError, ValueError):
        messages.error(request, _("Prices and percentages must be numbers such as 12.50 or 15."))
    else:
        messages.success(request, _("Lines saved."))
    return redirect("crm:quote-detail", pk=pk)


@staff_required
@require_POST
def quote_line_add(request: HttpRequest, pk: int) -> HttpResponse:
    quote = _quote_or_404(request, pk)
    quantity = request.POST.get("quantity", "").strip()
    if not is_whole(quantity) or int(quantity) == 0:
        messages.error(request, _("The quantity must be a whole number from 1."))
        return redirect("crm:quote-detail", pk=pk)
    try:
        line = services.quote_line_add(
            quote=quote, by=request.user, sku=request.POST.get("sku", ""), quantity=int(quantity)
        )
    except services.QuoteError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(sku)s added: give it an offered price.") % {"sku": line.sku})
    return redirect("crm:quote-detail", pk=pk)


@staff_required
@require_POST
def quote_terms(request: HttpRequest, pk: int) -> HttpResponse:
    quote = _quote_or_404(request, pk)
    form = TermsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the validity as a date (dd.mm.yyyy or the date picker)."))
        return redirect("crm:quote-detail", pk=pk)
    try:
        services.quote_terms_update(
            quote=quote, by=request.user,
            valid_until=form.cleaned_data.get("valid_until"), terms=form.cleaned_data["terms"],
        )  # fmt: skip
    except services.QuoteError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Validity and terms saved."))
    return redirect("crm:quote-detail", pk=pk)


ACTIONS = {
    "review": lambda q, r: services.quote_start_review(quote=q, by=r.user),
    "revise": lambda q, r: services.quote_revise(quote=q, by=r.user),
    "send": lambda q, r: services.quote_send(quote=q, by=r.user),
    "request-approval": lambda q, r: services.quote_request_approval(quote=q, by=r.user),
    "withdraw-approval": lambda q, r: services.quote_withdraw_approval_request(quote=q, by=r.user),
    "approve": lambda q, r: services.quote_approve(quote=q, by=r.user),
    "reject": lambda q, r: services.quote_reject(quote=q, by=r.user, reason=r.POST.get("text", "")),
}
DONE = {
    "review": "Review started.",
    "revise": "The offer is withdrawn: change it and send a new version.",
    "send": "Offer sent to the buyer.",
    "request-approval": _("Approval requested: every sales manager has a task and an email."),
    "withdraw-approval": _("Approval request withdrawn: change the offer and ask again."),
    "approve": "Discounts approved: the offer can be sent.",
    "reject": "Request rejected; the buyer is told why.",
}


@staff_required
@require_POST
def quote_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    quote = _quote_or_404(request, pk)
    if action not in ACTIONS:
        raise Http404(_("No such action."))
    try:
        ACTIONS[action](quote, request)
    except (services.QuoteError, IllegalTransition) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, DONE[action])
    return redirect("crm:quote-detail", pk=pk)


@staff_required
def approval_list(request: HttpRequest) -> HttpResponse:
    """Offers waiting for a sales manager's approval, with what needs it and why."""
    quotes = list(selectors.quotes_awaiting_approval(user=request.user)[:100])
    rows = [{"quote": quote, "needing": services.lines_needing_approval(quote)} for quote in quotes]
    return render(
        request,
        "quotes/staff/approvals.html",
        {"rows": rows, "is_sales_manager": user_is_sales_manager(user=request.user),
         "crm_tab": "approvals"},
    )  # fmt: skip


@staff_required
@require_POST
def quote_approval(request: HttpRequest, pk: int) -> HttpResponse:
    """A sales manager approves the pending request, or refuses it with a reason."""
    quote = _quote_or_404(request, pk)
    form = ApprovalDecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("crm:quote-detail", pk=pk)
    reason = form.cleaned_data.get("reason", "")
    try:
        if form.cleaned_data["decision"] == "approve":
            services.quote_approve(quote=quote, by=request.user, note=reason)
            done = _("Approved: the account manager is told and can send the offer.")
        else:
            services.quote_refuse_approval(quote=quote, by=request.user, reason=reason)
            done = _("Refused: the account manager is told why.")
    except (services.QuoteError, IllegalTransition) as exc:
        messages.error(request, exc.message)
        return redirect("crm:quote-detail", pk=pk)
    messages.success(request, done)
    return redirect("crm:approval-list")


@staff_required
@require_POST
def quote_message(request: HttpRequest, pk: int) -> HttpResponse:
    quote = _quote_or_404(request, pk)
    form = MessageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a message first (up to 4,000 characters)."))
        return redirect("crm:quote-detail", pk=pk)
    internal = bool(request.POST.get("internal"))
    try:
        services.quote_message_post(
            quote=quote, author=request.user, body=form.cleaned_data["body"],
            from_staff=True, internal=internal, line_id=form.cleaned_data.get("line"),
        )  # fmt: skip
    except services.QuoteError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, "Internal note saved." if internal else "Message sent to the buyer."
        )
    return redirect("crm:quote-detail", pk=pk)


@staff_required
def quote_pdf(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    quote = _quote_or_404(request, pk)
    return version_pdf_response(get_object_or_404(quote.versions, number=version))
