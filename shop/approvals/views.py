"""Approvals pages: the inbox, one request with its lines, and the decisions."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from oscar.core.loading import get_class

from shop.approvals import rules, selectors, services
from shop.approvals.forms import ApprovalPolicyForm, ApprovalRuleForm, RejectForm
from shop.approvals.models import DEFAULT_EXPIRY_DAYS, ApprovalPolicy, ApprovalRule
from shop.errors import PortalError
from shop.money import money_round
from shop.payment import services as card
from shop.payment.forms import CardPaymentForm

Selector = get_class("partner.strategy", "Selector")


def _member_or_404(request: HttpRequest):
    member = getattr(request, "company_member", None)
    if member is None:
        raise Http404(_("No such approval request."))
    return member


def _request_or_404(request: HttpRequest, pk: int):
    member = _member_or_404(request)
    return member, get_object_or_404(selectors.approval_requests_for_member(member=member), pk=pk)


@login_required
def approval_list(request: HttpRequest) -> HttpResponse:
    member = _member_or_404(request)
    inbox = list(selectors.approval_inbox_for_member(member=member))
    # Approvers and admins see every request of the company here, those waiting too.
    others = list(selectors.approval_requests_for_member(member=member)[:100])
    return render(
        request,
        "approvals/list.html",
        {"inbox": inbox, "others": others, "member": member},
    )


def _priced_lines(request: HttpRequest, approval) -> list:
    """Return the frozen basket's lines priced as the request's total was.

    A basket line only stores its net price (the tax depends on the destination), so
    Oscar's line prices need the strategy attached: the requester's company prices, taxed
    for the request's delivery country, as the approval places the order.

    Like the basket, a line shows its net unit price and net line total (quantity times
    the unit price shown, so the figures add up) with its tax apart; the tax-inclusive
    total is at the bottom.
    """
    basket = approval.basket
    basket.strategy = Selector().strategy(request=request, user=approval.requester)
    if hasattr(basket.strategy, "ship_to"):
        basket.strategy.ship_to((approval.shipping_address or {}).get("country_id"))
    lines = list(basket.all_lines())
    for line in lines:
        unit = line.unit_price_excl_tax
        line.unit_price = None if unit is None else money_round(unit)
        line.line_total = None if unit is None else line.unit_price * line.quantity
        line.tax_shown = money_round(line.line_tax) if line.is_tax_known else None
    return lines


def _line_sums(approval, lines: list) -> dict:
    """The footer's figures: the lines' net sum, their tax, delivery, and the request's total."""
    net = sum((line.line_total for line in lines if line.line_total is not None), Decimal(0))
    known = lines and all(line.tax_shown is not None for line in lines)
    tax = sum((line.tax_shown for line in lines), Decimal(0)) if known else None
    delivery = approval.total - net - tax if known else None
    return {"net": net, "tax": tax, "delivery": delivery if delivery else None}


def _detail(request: HttpRequest, pk: int, *, sent: bool, reject_form=None) -> HttpResponse:
    member, approval = _request_or_404(request, pk)
    lines = _priced_lines(request, approval)
    votes = list(approval.votes.select_related("member__user"))
    can_decide = (
        approval.is_pending
        and member.user_id != approval.requester_id
        and member.role in services.DECIDERS
        and member.pk in {m.pk for m in rules.deciders(approval)}
    )
    return render(
        request,
        "approvals/detail.html",
        {
            "approval": approval,
            "lines": lines,
            "sums": _line_sums(approval, lines),
            "votes": votes,
            "waiting_for": rules.deciders(approval) if approval.is_pending else [],
            "sent": sent,
            "can_decide": can_decide,
            "can_cancel": (approval.is_pending or approval.is_awaiting_payment)
            and member.user_id == approval.requester_id,
            "can_pay": approval.is_awaiting_payment and member.user_id == approval.requester_id,
            "reject_form": reject_form or RejectForm(),
        },
        status=400 if reject_form is not None else 200,
    )


@login_required
def approval_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, pk, sent=False)


@login_required
def approval_sent(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, pk, sent=True)


@login_required
@require_POST
def approval_approve(request: HttpRequest, pk: int) -> HttpResponse:
    member, approval = _request_or_404(request, pk)
    try:
        approval = services.approval_request_approve(
            approval_request=approval, member=member, request=request
        )
    except PortalError as exc:
        messages.error(request, exc.message)
        return redirect("approvals:detail", pk=pk)
    if approval.is_awaiting_payment:
        messages.success(
            request,
            _(
                "Approved: %(buyer)s is emailed a link to pay by card; the order is placed "
                "when they pay."
            )
            % {"buyer": approval.requester.email},
        )
        return redirect("approvals:list")
    if approval.order is None:
        messages.success(
            request, _("Your approval is recorded: the request now waits for the other approvers.")
        )
        return redirect("approvals:list")
    messages.success(
        request,
        _("Approved: order %(number)s is placed for %(buyer)s.")
        % {"number": approval.order.number, "buyer": approval.requester.email},
    )
    return redirect("approvals:list")


def _pay_page(request: HttpRequest, member, approval, *, error: str = "") -> HttpResponse:
    """The buyer's pay-by-link page: the frozen lines and total, and the card field."""
    lines = _priced_lines(request, approval)
    context = {
        "approval": approval,
        "lines": lines,
        "sums": _line_sums(approval, lines),
        "error": error,
    }
    try:
        intent = services.approval_payment_intent(
            approval_request=approval, member=member, request=request
        )
    except card.CardPaymentRefused as exc:
        context["card_unavailable"] = exc.message
    except PortalError as exc:
        context["refusal"] = exc.message
    else:
        context.update({"card_intent": intent, **card.card_browser_settings()})
    return render(request, "approvals/pay.html", context, status=400 if error else 200)


@login_required
def approval_pay(request: HttpRequest, pk: int) -> HttpResponse:
    """Pay an approved request by card (the link emailed to the buyer); only the buyer may."""
    member = _member_or_404(request)
    approval = get_object_or_404(selectors.approval_requests_of_requester(member=member), pk=pk)
    refusal = services.approval_payment_open(approval_request=approval)
    if refusal:
        messages.info(request, refusal)
        return redirect("approvals:detail", pk=pk)
    if request.method != "POST":
        return _pay_page(request, member, approval)
    form = CardPaymentForm(request.POST)
    if not form.is_valid():
        return _pay_page(request, member, approval, error=form.errors["payment_intent"][0])
    try:
        approval = services.approval_request_pay(
            approval_request=approval,
            member=member,
            intent_id=form.cleaned_data["payment_intent"],
            request=request,
        )
    except PortalError as exc:
        return _pay_page(request, member, approval, error=exc.message)
    messages.success(
        request,
        _("Paid: order %(number)s is placed.") % {"number": approval.order.number},
    )
    return redirect("customer:order", order_number=approval.order.number)


@login_required
@require_POST
def approval_reject(request: HttpRequest, pk: int) -> HttpResponse:
    member, approval = _request_or_404(request, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _detail(request, pk, sent=False, reject_form=form)
    try:
        services.approval_request_reject(
            approval_request=approval, member=member, reason=form.cleaned_data["reason"]
        )
    except PortalError as exc:
        messages.error(request, exc.message)
        return redirect("approvals:detail", pk=pk)
    messages.success(request, _("Rejected: the products are back in the buyer's basket."))
    return redirect("approvals:list")


@login_required
@require_POST
def approval_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    member, approval = _request_or_404(request, pk)
    try:
        services.approval_request_cancel(approval_request=approval, member=member)
    except PortalError as exc:
        messages.error(request, exc.message)
        return redirect("approvals:detail", pk=pk)
    messages.success(request, _("Request withdrawn: the products are back in your basket."))
    return redirect("basket:summary")


@login_required
def approval_policy(request: HttpRequest) -> HttpResponse:
    member = _member_or_404(request)
    if not member.can_manage:
        messages.error(request, _("Only your company's admin sets the approval expiry."))
        return redirect("approvals:list")
    policy = ApprovalPolicy.objects.filter(company=member.company).first()
    current = policy.expiry_days if policy else DEFAULT_EXPIRY_DAYS
    form = ApprovalPolicyForm(request.POST or None, initial={"expiry_days": current})
    if request.method == "POST" and form.is_valid():
        try:
            services.approval_policy_set(
                member=member, expiry_days=form.cleaned_data["expiry_days"]
            )
        except PortalError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(
                request,
                _("Saved: new requests expire after %(days)s days.")
                % {"days": form.cleaned_data["expiry_days"]},
            )
            return redirect("approvals:list")
    return render(
        request,
        "approvals/policy.html",
        {"form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


def _admin_or_redirect(request: HttpRequest):
    member = _member_or_404(request)
    if not member.can_manage:
        messages.error(request, _("Only your company's admin manages approval rules."))
        return member, redirect("approvals:list")
    return member, None


@login_required
def rule_list(request: HttpRequest) -> HttpResponse:
    member, refused = _admin_or_redirect(request)
    if refused:
        return refused
    company_rules = (
        ApprovalRule.objects.filter(company=member.company)
        .select_related("category", "company", "product")
        .prefetch_related("tier1__user", "tier2__user")
    )
    return render(request, "approvals/rules.html", {"rules": company_rules})


@login_required
def rule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    member, refused = _admin_or_redirect(request)
    if refused:
        return refused
    rule = (
        get_object_or_404(ApprovalRule, company=member.company, pk=pk)
        if pk is not None
        else ApprovalRule(company=member.company)
    )
    form = ApprovalRuleForm(request.POST or None, instance=rule, company=member.company)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved the approval rule “%(rule)s”.") % {"rule": rule})
        return redirect("approvals:rules")
    return render(
        request, "approvals/rule_form.html", {"form": form, "rule": rule},
        status=400 if form.is_bound and form.errors else 200,
    )  # fmt: skip


@login_required
@require_POST
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    member, refused = _admin_or_redirect(request)
    if refused:
        return refused
    rule = get_object_or_404(ApprovalRule, company=member.company, pk=pk)
    rule.delete()
    messages.success(request, _("Deleted the approval rule “%(rule)s”.") % {"rule": rule})
    return redirect("approvals:rules")
