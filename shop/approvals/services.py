"""Writes for purchase approvals: ask, approve (places the order), reject, cancel, expire."""

import logging
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.apps.order.exceptions import UnableToPlaceOrder
from oscar.apps.payment.exceptions import PaymentError, UnableToTakePayment
from oscar.core.loading import get_class, get_model

from shop.approvals import emails, rules
from shop.approvals.models import DEFAULT_EXPIRY_DAYS, ApprovalPolicy, ApprovalRequest
from shop.approvals.selectors import member_period_spend, requests_due_to_expire
from shop.approvals.states import State, decision_check, transition_check
from shop.checkout.payment import ON_ACCOUNT_TERMS
from shop.companies.models import Company, CompanyMember
from shop.errors import PortalError
from shop.money import money_display
from shop.payment import services as card

log = logging.getLogger(__name__)

Basket = get_model("basket", "Basket")
OrderNote = get_model("order", "OrderNote")
Source = get_model("payment", "Source")
ShippingAddress = get_model("order", "ShippingAddress")
Repository = get_class("shipping.repository", "Repository")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Selector = get_class("partner.strategy", "Selector")
OrderNumberGenerator = get_class("order.utils", "OrderNumberGenerator")

DECIDERS = (CompanyMember.Role.APPROVER, CompanyMember.Role.ADMIN)
# A request waiting for a decision, or for the buyer's payment, expires at its date.
EXPIRING = (State.PENDING, State.AWAITING_PAYMENT)


class ApprovalError(PortalError):
    pass


def _money(amount: Decimal, currency: str) -> str:
    return money_display(amount, currency)


def approval_required(
    *, member: CompanyMember | None, total: Decimal, currency: str = "", basket=None
) -> list:
    """Return why an order of ``total`` by this member needs approval (empty: it does not)."""
    if member is None:
        return []
    reasons = []
    rule = rules.approval_rule_matching(member=member, basket=basket, total=total)
    if rule is not None:
        reasons.append(rules.rule_reason(rule))
    if member.order_limit is not None and total > member.order_limit:
        reasons.append(
            _("The order total %(total)s is above your limit per order of %(limit)s.")
            % {
                "total": _money(total, currency or member.company.currency),
                "limit": _money(member.order_limit, member.company.currency),
            }
        )
    if member.period_limit is not None:
        spent = member_period_spend(member=member)
        if spent + total > member.period_limit:
            reasons.append(
                _(
                    "With this order you would spend %(sum)s this period (%(spent)s already "
                    "ordered or waiting for approval), above your limit per period of %(limit)s."
                )
                % {
                    "sum": _money(spent + total, member.company.currency),
                    "spent": _money(spent, member.company.currency),
                    "limit": _money(member.period_limit, member.company.currency),
                }
            )
    return reasons


def _expiry(*, company: Company, now: datetime) -> datetime:
    policy = ApprovalPolicy.objects.filter(company=company).first()
    return now + timedelta(days=policy.expiry_days if policy else DEFAULT_EXPIRY_DAYS)


def _address_snapshot(address) -> dict:
    """Return an unsaved Oscar shipping address as JSON-safe fields."""
    if address is None:
        return {}
    snapshot = {}
    for field in address._meta.concrete_fields:
        if field.attname in ("id", "search_text"):
            continue
        value = getattr(address, field.attname)
        snapshot[field.attname] = None if value is None else str(value)
    return snapshot


def _queue_email(kind: str, approval_request: ApprovalRequest) -> None:
    pk = approval_request.pk
    transaction.on_commit(lambda: emails.approval_email_send(kind=kind, object_id=pk), robust=True)


@transaction.atomic
def approval_request_create(
    *,
    basket,
    member: CompanyMember,
    order_total,
    shipping_address=None,
    shipping_method=None,
    note: str = "",
    purchase_order_number: str = "",
    reasons: list | None = None,
) -> ApprovalRequest:
    """Freeze the basket into a pending request and email the company's approvers."""
    if basket.is_empty:
        raise ApprovalError(_("Your basket is empty: add products before you check out."))
    now = timezone.now()
    basket.freeze()
    approval_request = ApprovalRequest.objects.create(
        company=member.company,
        requester=member.user,
        basket=basket,
        total=order_total.incl_tax,
        currency=order_total.currency,
        shipping_address=_address_snapshot(shipping_address),
        shipping_method_code=getattr(shipping_method, "code", "") or "",
        purchase_order_number=purchase_order_number,
        note=note,
        reasons="\n".join(str(r) for r in reasons or ()),
        created_at=now,
        expires_at=_expiry(company=member.company, now=now),
        rule=rules.approval_rule_matching(member=member, basket=basket, total=order_total.incl_tax),
        tier=1,
        tier_started_at=now,
    )
    _queue_email("requested", approval_request)
    return approval_request


def _locked(approval_request: ApprovalRequest) -> ApprovalRequest:
    return ApprovalRequest.objects.select_for_update().get(pk=approval_request.pk)


def _decider_check(*, approval_request: ApprovalRequest, member: CompanyMember) -> None:
    if member.company_id != approval_request.company_id or not member.is_active:
        raise ApprovalError(_("This request belongs to another company."))
    if member.user_id == approval_request.requester_id:
        raise ApprovalError(
            _(
                "You cannot decide on your own request: an approver or the company admin of "
                "%(company)s decides."
            )
            % {"company": member.company}
        )
    if member.role not in DECIDERS:
        raise ApprovalError(
            _("Only approvers and company admins decide on requests; you are a %(role)s.")
            % {"role": member.get_role_display().lower()}
        )
    allowed = rules.deciders(approval_request)
    if member.pk not in {m.pk for m in allowed}:
        raise ApprovalError(
            _("At this stage the request waits for %(names)s.")
            % {"names": ", ".join(m.user.get_full_name() or m.user.email for m in allowed)}
        )


def _return_lines(approval_request: ApprovalRequest) -> None:
    """Merge the request's frozen basket into the requester's open basket."""
    frozen = approval_request.basket
    if frozen.status != Basket.FROZEN:
        return
    open_basket = Basket.open.filter(owner=approval_request.requester).order_by(
        "-id"
    ).first() or Basket.open.create(owner=approval_request.requester)
    open_basket.merge(frozen, add_quantities=True)


def _placement_view(*, card_intent_id: str = ""):
    """The checkout view's placement, answering with the order instead of a redirect.

    With ``card_intent_id`` the order is paid by that card payment (the buyer's pay-by-link
    page), recorded as checkout records a card payment; without, on account as checkout does.
    """
    # Imported here: the checkout view imports this module.
    from shop.checkout.views import PaymentDetailsView

    class ApprovedOrderPlacement(PaymentDetailsView):
        def handle_successful_order(self, order):
            # No checkout session or thank-you page here: the approver is not the buyer,
            # and the buyer hears from us by the "approved" email.
            return order

    class PaidByLinkPlacement(ApprovedOrderPlacement):
        def handle_payment(self, order_number, total, **kwargs):
            self.card_payment_record(
                order_number=order_number,
                total=total,
                intent_id=card_intent_id,
                basket=self.approval_basket,
            )

    return PaidByLinkPlacement() if card_intent_id else ApprovedOrderPlacement()


def _priced(*, approval_request: ApprovalRequest, request, buyer: bool = False):
    """Return the frozen basket priced today with its address, method, charge and total.

    Refuses when the total differs from the one the request froze.
    """
    requester = approval_request.requester
    basket = approval_request.basket
    basket.strategy = Selector().strategy(request=request, user=requester)
    fields = dict(approval_request.shipping_address)
    if hasattr(basket.strategy, "ship_to"):
        # Tax follows the delivery country, as in checkout (before any line is priced).
        basket.strategy.ship_to(fields.get("country_id"))
    shipping_address = ShippingAddress(**fields) if fields else None
    methods = Repository().get_shipping_methods(
        basket=basket, user=requester, shipping_addr=shipping_address, request=request
    )
    method = next(
        (m for m in methods if m.code == approval_request.shipping_method_code), methods[0]
    )
    charge = method.calculate(basket)
    order_total = OrderTotalCalculator(request).calculate(basket, charge)
    if order_total.incl_tax != approval_request.total and buyer:
        raise ApprovalError(
            _(
                "Prices have changed since your request was approved: it was %(then)s, it would "
                "now be %(now)s. Withdraw the request (the products go back to your basket) and "
                "check out again at today's prices."
            )
            % {
                "then": _money(approval_request.total, approval_request.currency),
                "now": _money(order_total.incl_tax, order_total.currency),
            }
        )
    if order_total.incl_tax != approval_request.total:
        raise ApprovalError(
            _(
                "Prices have changed since the request: it was %(then)s, it would now be "
                "%(now)s. Reject it so the buyer can check out again at today's prices."
            )
            % {
                "then": _money(approval_request.total, approval_request.currency),
                "now": _money(order_total.incl_tax, order_total.currency),
            }
        )
    return basket, shipping_address, method, charge, order_total


def _place_order(*, approval_request: ApprovalRequest, request, card_intent_id: str = ""):
    """Place the order from the frozen basket: on account as checkout pays, or by this card."""
    requester = approval_request.requester
    basket, shipping_address, method, charge, order_total = _priced(
        approval_request=approval_request, request=request, buyer=bool(card_intent_id)
    )
    placer = _placement_view(card_intent_id=card_intent_id)
    placer.request, placer.args, placer.kwargs = request, (), {}
    placer.approval_basket_id = basket.id
    placer.approval_basket = basket
    # Still pending while its order is placed: the credit check must not count it twice.
    placer.credit_releasing_pending = approval_request.total
    order_number = placer.generate_order_number(basket)
    order_kwargs = {
        "company": approval_request.company,
        "purchase_order_number": approval_request.purchase_order_number,
    }
    references = sorted(
        {line.quote_reference for line in basket.all_lines() if line.quote_reference}
    )
    if references:
        order_kwargs["quote_reference"] = references[0]
    try:
        placer.handle_payment(order_number, order_total)
        with transaction.atomic():
            # The checkout's own placement (quote check, credit ledger, basket submitted).
            return placer.handle_order_placement(
                order_number,
                requester,
                basket,
                shipping_address,
                method,
                charge,
                None,
                order_total,
                **order_kwargs,
            )
    except card.CardPaymentRefused as exc:
        raise ApprovalError(exc.message) from exc
    except (UnableToTakePayment, UnableToPlaceOrder, PaymentError) as exc:
        raise ApprovalError(
            _("The order could not be placed: %(why)s The request stays open.") % {"why": exc}
        ) from exc
    except IntegrityError as exc:
        raise ApprovalError(
            _(
                "The order could not be placed (its quote has already been ordered): reject "
                "the request so the buyer gets the lines back."
            )
        ) from exc


def _pays_by_card(approval_request: ApprovalRequest) -> bool:
    return approval_request.company.payment_terms not in ON_ACCOUNT_TERMS


def _approved_note(*, approval_request: ApprovalRequest, order) -> None:
    decider = approval_request.decided_by
    OrderNote.objects.create(
        order=order,
        user=decider,
        note_type=OrderNote.SYSTEM,
        message=_("Approved by %(name)s (%(email)s) on %(when)s, approval request #%(pk)s.")
        % {
            "name": decider.get_full_name() or decider.email,
            "email": decider.email,
            "when": timezone.localtime(approval_request.decided_at).strftime("%Y-%m-%d %H:%M"),
            "pk": approval_request.pk,
        },
    )


@transaction.atomic
def approval_request_approve(
    *, approval_request: ApprovalRequest, member: CompanyMember, request
) -> ApprovalRequest:
    """Approve a pending request and place its order; record who approved and when.

    A card-paying company's request is not ordered yet: it awaits the buyer's payment, and
    the buyer is emailed a link to pay (card details are never held during approval).
    """
    _decider_check(approval_request=approval_request, member=member)
    approval_request = _locked(approval_request)
    decision_check(current=approval_request.status)
    if not rules.tier_vote(approval_request=approval_request, member=member):
        if approval_request.tier_started_at and approval_request.tier == 2:
            _queue_email("next_tier", approval_request)
        return approval_request  # the rule's next approvers decide next
    if _pays_by_card(approval_request):
        # Today's prices must still give the frozen total, or the link could never be paid.
        _priced(approval_request=approval_request, request=request)
        approval_request.status = State.AWAITING_PAYMENT
        approval_request.decided_by = member.user
        approval_request.decided_at = timezone.now()
        approval_request.save(update_fields=["status", "decided_by", "decided_at"])
        _queue_email("payment_link", approval_request)
        return approval_request
    order = _place_order(approval_request=approval_request, request=request)
    approval_request.status = State.APPROVED
    approval_request.decided_by = member.user
    approval_request.decided_at = timezone.now()
    approval_request.order = order
    approval_request.save(update_fields=["status", "decided_by", "decided_at", "order"])
    _approved_note(approval_request=approval_request, order=order)
    _queue_email("approved", approval_request)
    return approval_request


def _payer_check(*, approval_request: ApprovalRequest, member: CompanyMember) -> None:
    if (
        member.company_id != approval_request.company_id
        or member.user_id != approval_request.requester_id
        or not member.is_active
    ):
        raise ApprovalError(_("Only the buyer who sent the request pays for it."))


def approval_payment_open(*, approval_request: ApprovalRequest, now: datetime | None = None) -> str:
    """Return why this request cannot be paid by its link now (empty when it can)."""
    if approval_request.status != State.AWAITING_PAYMENT:
        if approval_request.order_id:
            return _("This request is already paid: it is order %(number)s.") % {
                "number": approval_request.order.number
            }
        return _("This request is %(status)s: there is nothing to pay.") % {
            "status": str(approval_request.get_status_display()).lower()
        }
    if approval_request.expires_at <= (now or timezone.now()):
        return _(
            "This payment link expired on %(date)s. Check out again from your basket (the "
            "products go back to it when the request expires)."
        ) % {"date": timezone.localtime(approval_request.expires_at).strftime("%Y-%m-%d %H:%M")}
    return ""


def approval_payment_intent(
    *, approval_request: ApprovalRequest, member: CompanyMember, request
) -> "card.CardIntentHandle":
    """Return the card payment intent for an approved request's frozen basket and total.

    Refuses before any card is asked for when the request cannot be paid, or when today's
    prices no longer give the approved total.
    """
    _payer_check(approval_request=approval_request, member=member)
    refusal = approval_payment_open(approval_request=approval_request)
    if refusal:
        raise ApprovalError(refusal)
    basket = _priced(approval_request=approval_request, request=request, buyer=True)[0]
    return card.card_intent_for_basket(
        basket_id=basket.id,
        order_number=OrderNumberGenerator().order_number(basket),
        amount=approval_request.total,
        currency=approval_request.currency,
    )


@transaction.atomic
def approval_request_pay(
    *, approval_request: ApprovalRequest, member: CompanyMember, intent_id: str, request
) -> ApprovalRequest:
    """Place an approved request's order, paid by the card payment the buyer confirmed."""
    _payer_check(approval_request=approval_request, member=member)
    approval_request = _locked(approval_request)
    refusal = approval_payment_open(approval_request=approval_request)
    if refusal:
        raise ApprovalError(refusal)
    transition_check(current=approval_request.status, target=State.APPROVED)
    order = _place_order(
        approval_request=approval_request, request=request, card_intent_id=intent_id
    )
    approval_request.status = State.APPROVED
    approval_request.order = order
    approval_request.save(update_fields=["status", "order"])
    _approved_note(approval_request=approval_request, order=order)
    # The buyer's confirmation with the order number, as an on-account approval sends it.
    _queue_email("approved", approval_request)
    return approval_request


@transaction.atomic
def approval_request_reject(
    *, approval_request: ApprovalRequest, member: CompanyMember, reason: str
) -> ApprovalRequest:
    """Reject a pending request with a reason; the lines go back to the buyer's basket."""
    _decider_check(approval_request=approval_request, member=member)
    if not reason.strip():
        raise ApprovalError(_("Give the buyer a reason for the rejection."), field="reason")
    approval_request = _locked(approval_request)
    transition_check(current=approval_request.status, target=State.REJECTED)
    approval_request.status = State.REJECTED
    approval_request.decided_by = member.user
    approval_request.decided_at = timezone.now()
    approval_request.reason = reason.strip()
    approval_request.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    _return_lines(approval_request)
    _queue_email("rejected", approval_request)
    return approval_request


@transaction.atomic
def approval_request_cancel(
    *, approval_request: ApprovalRequest, member: CompanyMember
) -> ApprovalRequest:
    """Withdraw one's own pending request; the lines go back to one's basket."""
    if member.user_id != approval_request.requester_id:
        raise ApprovalError(_("Only the buyer who sent a request can withdraw it."))
    approval_request = _locked(approval_request)
    transition_check(current=approval_request.status, target=State.CANCELLED)
    approval_request.status = State.CANCELLED
    approval_request.decided_by = member.user
    approval_request.decided_at = timezone.now()
    approval_request.save(update_fields=["status", "decided_by", "decided_at"])
    _return_lines(approval_request)
    return approval_request


def approval_policy_set(*, member: CompanyMember, expiry_days: int) -> ApprovalPolicy:
    """Set the company's request expiry (company admins only)."""
    if not member.can_manage:
        raise ApprovalError(_("Only your company's admin sets the approval expiry."))
    if not 1 <= expiry_days <= 90:
        raise ApprovalError(_("Enter between 1 and 90 days."), field="expiry_days")
    policy, _created = ApprovalPolicy.objects.update_or_create(
        company=member.company, defaults={"expiry_days": expiry_days}
    )
    return policy


def approval_requests_expire(*, now: datetime | None = None) -> int:
    """Expire pending requests past their date (safe to run twice); return how many."""
    now = now or timezone.now()
    expired = 0
    for pk in requests_due_to_expire(now=now).values_list("pk", flat=True):
        with transaction.atomic():
            approval_request = ApprovalRequest.objects.select_for_update().get(pk=pk)
            if approval_request.status not in EXPIRING:
                continue  # decided or paid meanwhile
            approval_request.status = State.EXPIRED
            approval_request.decided_at = now
            approval_request.save(update_fields=["status", "decided_at"])
            _return_lines(approval_request)
            _queue_email("expired", approval_request)
            expired += 1
    return expired
