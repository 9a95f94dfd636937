"""The account manager's side of quotes, in the CRM at /crm/quotes/: review, price, send."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm_embedded.access import staff_required
from crm_embedded.quotes import selectors, services
from crm_embedded.quotes.forms import (
    ApprovalDecisionForm,
    LineAddForm,
    QuoteLineFormSet,
    RejectForm,
    StaffMessageForm,
    TermsForm,
)
from crm_embedded.quotes.states import OPEN_STATES, STAFF_EDITABLE, IllegalTransition, State
from crm_embedded.quotes.views_buyer import version_pdf_response
from shop.companies.selectors import user_is_sales_manager
from shop.errors import PortalError

LINES_PREFIX = "lines"


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


def _detail(
    request: HttpRequest, quote, *, status: int = 200, lines_errors=(), **forms
) -> HttpResponse:
    """The quote's page; ``forms`` are bound forms to show again with their errors."""
    economics = selectors.quote_line_economics(quote=quote)
    lines = [row.line for row in economics]
    editable = quote.state in STAFF_EDITABLE
    fresh = QuoteLineFormSet(lines=lines, prefix=LINES_PREFIX)
    formset = forms.get("lines_formset")
    if formset is not None:
        lines_errors = [*lines_errors, *formset.non_form_errors()]
        posted_ids = [str(form["line"].value()) for form in formset.forms]
        if posted_ids != [str(line.pk) for line in lines]:
            formset = None  # the lines changed meanwhile: show them as they are now
    if formset is None:
        formset = fresh
    for row, form in zip(economics, formset.forms, strict=True):
        row.line.economics = row  # cost, margin and discount beside each line
        row.line.form = form
    # The same rule the send applies, on the draft as saved: the notice before sending.
    needing = (
        [(row.line, row.needs_approval_because) for row in economics if row.needs_approval_because]
        if editable
        else []
    )
    awaiting = quote.state == State.AWAITING_APPROVAL
    context = {
        "quote": quote,
        "lines": lines,
        "lines_formset": formset,
        "lines_errors": lines_errors,
        "editable": editable,
        "needing": needing,
        "approved": selectors.quote_is_approved(quote=quote),
        "is_sales_manager": user_is_sales_manager(user=request.user),
        "awaiting_approval": awaiting,
        "approval_needing": [
            (r.line, r.needs_approval_because) for r in economics if r.needs_approval_because
        ]
        if awaiting
        else [],  # fmt: skip
        "approval_requester": selectors.quote_approval_requester(quote=quote),
        "approval_form": ApprovalDecisionForm(),
        "versions": selectors.quote_versions_with_changes(quote=quote),
        "thread": selectors.quote_thread(quote=quote, staff=True),
        "events": quote.events.select_related("by"),
        "message_form": forms.get("message_form") or StaffMessageForm(),
        "line_add_form": forms.get("line_add_form") or LineAddForm(),
        "reject_form": forms.get("reject_form") or RejectForm(),
        "terms_form": forms.get("terms_form")
        or TermsForm(initial={"valid_until": quote.valid_until, "terms": quote.terms}),
        "State": State,
        "crm_tab": "quotes",
    }
    return render(request, "quotes/staff/detail.html", context, status=status)


def _refused(request: HttpRequest, quote, form, exc: PortalError, name: str) -> HttpResponse:
    """A service refused the input: say why in the form, keep what was typed (400)."""
    form.add_error(exc.field if exc.field in getattr(form, "fields", {}) else None, exc.message)
    return _detail(request, quote, status=400, **{name: form})


@staff_required
def quote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _quote_or_404(request, pk))


@staff_required
@require_POST
def quote_lines(request: HttpRequest, pk: int) -> HttpResponse:
    quote = _quote_or_404(request, pk)
    formset = QuoteLineFormSet(request.POST, lines=list(quote.lines.all()), prefix=LINES_PREFIX)
    if not formset.management_form.is_valid():
        return _detail(request, quote, status=400, lines_errors=[
            _("The lines could not be read (the page was out of date): check them and save again.")
        ])  # fmt: skip
    if not formset.is_valid():
        messages.error(request, _("Check the lines marked below."))
        return _detail(request, quote, status=400, lines_formset=formset)
    try:
        services.quote_lines_update(quote=quote, by=request.user, changes=formset.changes())
    except (services.QuoteError, IllegalTransition) as exc:
        return _detail(
            request, quote, status=400, lines_formset=formset, lines_errors=[exc.message]
        )
    messages.success(request, _("Lines saved."))
    return redirect("crm:quote-detail", pk=pk)


@staff_required
@require_POST
def quote_line_add(request: HttpRequest, pk: int) -> HttpResponse:
    quote = _quote_or_404(request, pk)
    form = LineAddForm(request.POST)
    if not form.is_valid():
        return _detail(request, quote, status=400, line_add_form=form)
    try:
        line = services.quote_line_add(
            quote=quote, by=request.user,
            sku=form.cleaned_data["sku"], quantity=form.cleaned_data["quantity"],
        )  # fmt: skip
    except services.QuoteError as exc:
        return _refused(request, quote, form, exc, "line_add_form")
    messages.success(request, _("%(sku)s added: give it an offered price.") % {"sku": line.sku})
    return redirect("crm:quote-detail", pk=pk)


@staff_required
@require_POST
def quote_terms(request: HttpRequest, pk: int) -> HttpResponse:
    quote = _quote_or_404(request, pk)
    form = TermsForm(request.POST)
    if not form.is_valid():
        return _detail(request, quote, status=400, terms_form=form)
    try:
        services.quote_terms_update(
            quote=quote, by=request.user,
            valid_until=form.cleaned_data.get("valid_until"), terms=form.cleaned_data["terms"],
        )  # fmt: skip
    except services.QuoteError as exc:
        return _refused(request, quote, form, exc, "terms_form")
    messages.success(request, _("Validity and terms saved."))
    return redirect("crm:quote-detail", pk=pk)


@staff_required
@require_POST
def quote_reject(request: HttpRequest, pk: int) -> HttpResponse:
    quote = _quote_or_404(request, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _detail(request, quote, status=400, reject_form=form)
    try:
        services.quote_reject(quote=quote, by=request.user, reason=form.cleaned_data["text"])
    except (services.QuoteError, IllegalTransition) as exc:
        return _refused(request, quote, form, exc, "reject_form")
    messages.success(request, _("Request rejected; the buyer is told why."))
    return redirect("crm:quote-detail", pk=pk)


ACTIONS = {
    "review": lambda q, r: services.quote_start_review(quote=q, by=r.user),
    "revise": lambda q, r: services.quote_revise(quote=q, by=r.user),
    "send": lambda q, r: services.quote_send(quote=q, by=r.user),
    "request-approval": lambda q, r: services.quote_request_approval(quote=q, by=r.user),
    "withdraw-approval": lambda q, r: services.quote_withdraw_approval_request(quote=q, by=r.user),
    "approve": lambda q, r: services.quote_approve(quote=q, by=r.user),
}
DONE = {
    "review": _("Review started."),
    "revise": _("The offer is withdrawn: change it and send a new version."),
    "send": _("Offer sent to the buyer."),
    "request-approval": _("Approval requested: every sales manager has a task and an email."),
    "withdraw-approval": _("Approval request withdrawn: change the offer and ask again."),
    "approve": _("Discounts approved: the offer can be sent."),
}


@staff_required
@require_POST
def quote_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    quote = _quote_or_404(request, pk)
    if action == "reject":
        return quote_reject(request, pk)
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
    rows = [
        {"quote": quote, "needing": selectors.lines_needing_approval(quote=quote)}
        for quote in quotes
    ]
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
    form = StaffMessageForm(request.POST)
    if not form.is_valid():
        return _detail(request, quote, status=400, message_form=form)
    internal = form.cleaned_data["internal"]
    try:
        services.quote_message_post(
            quote=quote, author=request.user, body=form.cleaned_data["body"],
            from_staff=True, internal=internal, line_id=form.cleaned_data.get("line"),
        )  # fmt: skip
    except services.QuoteError as exc:
        return _refused(request, quote, form, exc, "message_form")
    messages.success(
        request, _("Internal note saved.") if internal else _("Message sent to the buyer.")
    )
    return redirect("crm:quote-detail", pk=pk)


@staff_required
def quote_pdf(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    quote = _quote_or_404(request, pk)
    return version_pdf_response(get_object_or_404(quote.versions, number=version))
