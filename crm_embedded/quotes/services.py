"""Quote writes: request, negotiate in versions, approve, accept into the basket, expire.

Every state change goes through ``_move`` (the state machine in ``states.py``) under a row
lock, and is written to the quote's history. The storefront is acted on through
``shop.basket.services`` only.
"""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from crm_embedded.quotes import notifications, selectors
from crm_embedded.quotes.models import Quote, QuoteEvent, QuoteLine, QuoteMessage, QuoteVersion
from crm_embedded.quotes.states import STAFF_EDITABLE, IllegalTransition, State, transition_check
from crm_embedded.tasks.models import Task
from shop.basket import services as basket_services
from shop.companies.selectors import user_is_sales_manager
from shop.errors import PortalError
from shop.money import money_round
from shop.partner.strategy import CompanyPricing
from shop.webhooks.services import webhook_event_emit

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
MAX_QUANTITY = 1_000_000
MAX_PRICE = Decimal("10000000")  # unit prices stay below ten million (fits every money column)
MAX_TOTAL = Decimal("999999999999")  # a version's total fits its column (14 digits, 2 decimals)


class QuoteError(PortalError):
    """A quote request or change that cannot be done, with a message for the person who asked."""


@dataclass(frozen=True)
class RequestItem:
    product_id: int
    quantity: int
    target_price: Decimal | None = None


def _locked(quote: Quote) -> Quote:
    return Quote.objects.select_for_update(of=("self",)).get(pk=quote.pk)


def _move(quote: Quote, target: str, *, by, text: str = "") -> Quote:
    """Move a locked quote to ``target`` (or raise IllegalTransition) and record it."""
    transition_check(quote.state, target)
    QuoteEvent.objects.create(
        quote=quote, by=by, from_state=quote.state, to_state=target, text=text
    )
    quote.state = target
    return quote


def _move_from(quote: Quote, sources: tuple, target: str, *, by, text: str, refusal: str) -> Quote:
    """``_move`` for an action that starts only from ``sources``.

    Review, revision and "ask for changes" all lead to IN_REVIEW, so the state machine alone
    would let each of them start from the others' states too.
    """
    if quote.state not in sources:
        transition_check(quote.state, target)  # no action at all may do this: say so
        raise QuoteError(
            _("%(refusal)s; this quote is '%(state)s'.")
            % {"refusal": refusal, "state": State(quote.state).label}
        )
    return _move(quote, target, by=by, text=text)


def _prices(company, products_quantities: list[tuple[object, int]]) -> dict[int, tuple]:
    """(list price, the company's price today, stock record) per product id."""
    products = [p for p, _ in products_quantities]
    records = {r.product_id: r for r in StockRecord.objects.filter(product__in=products)}
    strategy = CompanyPricing(company=company if company.is_active else None)
    strategy.prime(products)
    result = {}
    for product, quantity in products_quantities:
        record = records.get(product.pk)
        if record is None or record.price is None:
            continue
        resolved = strategy.resolve(product, record, quantity)
        result[product.pk] = (record.price, resolved.unit_price, record)
    return result


def prices_today(
    *, company, products_quantities: list[tuple[object, int]]
) -> dict[int, tuple[Decimal, str]]:
    """The company's unit price today (and currency) of each product at its quantity."""
    return {
        product_id: (unit, record.price_currency)
        for product_id, (_list, unit, record) in _prices(company, products_quantities).items()
    }


def _check_quantity(quantity: int) -> None:
    if not 1 <= quantity <= MAX_QUANTITY:
        raise QuoteError(
            _("Quantities must be from 1 to %(max)s; %(quantity)s is not.")
            % {"max": f"{MAX_QUANTITY:,}", "quantity": quantity}
        )


def _check_price(value: Decimal | None, what: str) -> None:
    if value is None:
        return
    if not value.is_finite() or value >= MAX_PRICE:
        raise QuoteError(
            _("The %(what)s must be below %(max)s.") % {"what": what, "max": f"{MAX_PRICE:,}"}
        )
    if value < 0:
        raise QuoteError(
            _("The %(what)s cannot be negative (%(value)s).") % {"what": what, "value": value}
        )


# Request ---------------------------------------------------------------------------------


@transaction.atomic
def quote_request(
    *,
    member,
    items: list[RequestItem],
    note: str = "",
    needed_by: date | None = None,
    delivery_address=None,
    basket=None,
    basket_line_ids: set[int] | None = None,
) -> Quote:
    """Ask for a quote on products; lines taken from the basket leave it (the quote keeps a copy)."""
    company = member.company
    if not company.is_active:
        raise QuoteError(_("Your company account is not active yet: quotes open once it is."))
    if member.role == member.Role.VIEWER:
        raise QuoteError(
            _("Your role can see quotes but not ask for them: ask a buyer or your admin.")
        )
    if needed_by is not None and needed_by < timezone.localdate():
        raise QuoteError(
            _("'Needed by' %(date)s is in the past: choose a later date.")
            % {"date": f"{needed_by:%d.%m.%Y}"}
        )
    if delivery_address is not None and delivery_address.company_id != company.pk:
        raise QuoteError(_("Choose one of your company's addresses."))
    if not items:
        raise QuoteError(_("Choose at least one product and quantity for the quote."))
    merged: dict[int, RequestItem] = {}
    for item in items:
        _check_quantity(item.quantity)
        _check_price(item.target_price, "target price")
        if item.product_id in merged:
            old = merged[item.product_id]
            item = RequestItem(item.product_id, old.quantity + item.quantity, item.target_price)
        merged[item.product_id] = item
    products = Product.objects.in_bulk(list(merged))
    pairs = [(products[pid], merged[pid].quantity) for pid in merged if pid in products]
    prices = _prices(company, pairs)
    unknown = [pid for pid in merged if pid not in prices]
    if unknown:
        raise QuoteError(
            _("A product of this request is not sold online: remove it and try again.")
        )
    quote = Quote.objects.create(
        number=f"tmp-{uuid.uuid4().hex[:16]}",  # replaced by Q-<id> just below
        company=company,
        requested_by=member.user,
        account_manager=company.account_manager,
        currency=next(iter(prices.values()))[2].price_currency,
        note=note.strip()[:4000],
        needed_by=needed_by,
        delivery_address=delivery_address,
    )
    quote.number = f"Q-{quote.pk:06d}"
    quote.save(update_fields=["number"])
    QuoteLine.objects.bulk_create(
        [
            QuoteLine(
                quote=quote,
                product=products[pid],
                sku=prices[pid][2].partner_sku,
                title=products[pid].get_title()[:255],
                quantity=merged[pid].quantity,
                list_price=prices[pid][0],
                contract_price=prices[pid][1],
                target_price=merged[pid].target_price,
            )
            for pid in merged
        ]
    )
    if basket is not None:
        basket_services.basket_lines_take(basket=basket, line_ids=basket_line_ids)
    QuoteEvent.objects.create(quote=quote, by=member.user, to_state=State.REQUESTED,
                              text="Request for quote")  # fmt: skip
    notifications.queue(quote, "requested")
    return quote


# Staff: review, edit the draft, approve, send ------------------------------------------


def _editable(quote: Quote) -> None:
    if quote.state not in STAFF_EDITABLE:
        raise QuoteError(
            _(
                "The quote is '%(state)s': start a new version (the buyer asks for "
                "changes, or you revise it) before editing."
            )
            % {"state": quote.staff_state}
        )


@transaction.atomic
def quote_start_review(*, quote: Quote, by) -> Quote:
    """Take a new request into review."""
    quote = _move_from(
        _locked(quote),
        (State.REQUESTED,),
        State.IN_REVIEW,
        by=by,
        text="Review started",
        refusal=_("Only a new request is taken into review"),
    )
    quote.save(update_fields=["state", "updated_at"])
    _close_overdue_task(quote)
    return quote


@transaction.atomic
def quote_revise(*, quote: Quote, by) -> Quote:
    """Staff reopen a sent offer to change it; the buyer can no longer accept the old one."""
    quote = _move_from(
        _locked(quote),
        (State.OFFERED,),
        State.IN_REVIEW,
        by=by,
        text="Offer withdrawn for revision",
        refusal=_("Only a sent offer is revised"),
    )
    quote.save(update_fields=["state", "updated_at"])
    notifications.queue(quote, "revising")
    return quote


def _offered_from(line: QuoteLine, *, unit_price, percent_off) -> Decimal | None:
    if unit_price not in (None, "") and percent_off not in (None, ""):
        raise QuoteError(
            _("%(sku)s: give a unit price or a percentage off, not both.") % {"sku": line.sku}
        )
    if percent_off not in (None, ""):
        percent = Decimal(percent_off)
        if not Decimal(0) <= percent <= Decimal(100):
            raise QuoteError(
                _("%(sku)s: the percentage off must be from 0 to 100.") % {"sku": line.sku}
            )
        return money_round(line.list_price * (Decimal(100) - percent) / Decimal(100))
    if unit_price not in (None, ""):
        price = Decimal(unit_price)
        _check_price(price, f"price of {line.sku}")
        return money_round(price)
    return line.offered_price


@transaction.atomic
def quote_lines_update(*, quote: Quote, by, changes: dict[int, dict]) -> Quote:
    """Staff set each line's quantity and offered price (or percentage off list); 0 removes it.

    ``changes`` maps line id to {"quantity", "unit_price", "percent_off"} (strings or numbers).
    """
    quote = _locked(quote)
    _editable(quote)
    lines = {line.pk: line for line in quote.lines.all()}
    changed, removed, notes = [], [], []
    for line_id, change in changes.items():
        line = lines.get(line_id)
        if line is None:
            raise QuoteError(_("That line is not on this quote any more: reload the page."))
        quantity = int(change.get("quantity", line.quantity))
        if quantity == 0:
            removed.append(line)
            continue
        _check_quantity(quantity)
        offered = _offered_from(
            line, unit_price=change.get("unit_price"), percent_off=change.get("percent_off")
        )
        if (quantity, offered) != (line.quantity, line.offered_price):
            parts = []
            if quantity != line.quantity:
                parts.append(f"quantity {line.quantity} → {quantity}")
            if offered != line.offered_price:
                parts.append(f"price {line.offered_price or '—'} → {offered or '—'}")
            notes.append(f"{line.sku}: {', '.join(parts)}")
            line.quantity, line.offered_price = quantity, offered
            changed.append(line)
    if len(removed) == len(lines):
        raise QuoteError(_("An offer needs at least one line: keep one, or reject the request."))
    QuoteLine.objects.bulk_update(changed, ["quantity", "offered_price"])
    QuoteLine.objects.filter(pk__in=[line.pk for line in removed]).delete()
    if changed or removed:
        text = "; ".join(notes + [f"{line.sku} removed" for line in removed])
        QuoteEvent.objects.create(quote=quote, by=by, text=f"Lines changed: {text}")
    return quote


@transaction.atomic
def quote_line_add(*, quote: Quote, by, sku: str, quantity: int) -> QuoteLine:
    """Staff add a product by SKU to the draft."""
    quote = _locked(quote)
    _editable(quote)
    _check_quantity(quantity)
    record = (
        StockRecord.objects.select_related("product")
        .filter(partner_sku__iexact=sku.strip(), product__is_public=True)
        .first()
    )
    if record is None or record.price is None:
        raise QuoteError(
            _("No product with the SKU '%(sku)s' is sold: check the SKU.")
            % {"sku": sku.strip()[:40]}
        )
    if quote.lines.filter(product=record.product).exists():
        raise QuoteError(
            _("%(sku)s is on the quote already: change its quantity.") % {"sku": record.partner_sku}
        )
    list_price, contract_price, _cost = _prices(quote.company, [(record.product, quantity)])[
        record.product_id
    ]
    line = QuoteLine.objects.create(
        quote=quote, product=record.product, sku=record.partner_sku,
        title=record.product.get_title()[:255], quantity=quantity,
        list_price=list_price, contract_price=contract_price,
    )  # fmt: skip
    QuoteEvent.objects.create(quote=quote, by=by, text=f"Line added: {quantity} x {line.sku}")
    return line


@transaction.atomic
def quote_terms_update(*, quote: Quote, by, valid_until: date | None, terms: str) -> Quote:
    """Staff set the offer's validity and terms."""
    quote = _locked(quote)
    _editable(quote)
    if valid_until is not None and valid_until < timezone.localdate():
        raise QuoteError(
            _("Valid until %(date)s is in the past: choose a later date.")
            % {"date": f"{valid_until:%d.%m.%Y}"}
        )
    quote.valid_until, quote.terms = valid_until, terms.strip()[:4000]
    quote.save(update_fields=["valid_until", "terms", "updated_at"])
    return quote


@dataclass(frozen=True)
class LineEconomics:
    """A draft line seen by the approval rule: cost, margin, discount and why it needs approval."""

    line: QuoteLine
    cost_price: Decimal | None
    discount_percent: Decimal | None  # off list
    margin_percent: Decimal | None  # over cost, of the offered price
    needs_approval_because: str  # "" when the line may go out without approval


def quote_line_economics(quote: Quote) -> list[LineEconomics]:
    """Each draft line against the discount and margin thresholds: the one approval rule."""
    max_discount = Decimal(settings.QUOTE_MAX_DISCOUNT_PERCENT)
    min_margin = Decimal(settings.QUOTE_MIN_MARGIN_PERCENT)
    lines = list(quote.lines.all())
    costs = dict(
        StockRecord.objects.filter(product__in=[line.product_id for line in lines]).values_list(
            "product_id", "cost_price"
        )
    )
    result = []
    for line in lines:
        cost = costs.get(line.product_id)
        discount = margin = None
        why = ""
        if line.offered_price is not None and line.list_price:
            discount = (line.list_price - line.offered_price) * 100 / line.list_price
        if line.offered_price and cost:
            margin = (line.offered_price - cost) * 100 / line.offered_price
        if discount is not None and discount > max_discount:
            why = f"{discount:.1f}% off list (more than {max_discount}%)"
        elif discount is not None and margin is not None and margin < min_margin:
            why = f"{margin:.1f}% margin (less than {min_margin}%)"
        result.append(LineEconomics(line, cost, discount, margin, why))
    return result


def lines_needing_approval(quote: Quote) -> list[tuple[QuoteLine, str]]:
    """Lines whose offered price is beyond the discount or margin threshold, and why."""
    return [(row.line, row.needs_approval_because) for row in quote_line_economics(quote)
            if row.needs_approval_because]  # fmt: skip


def quote_is_approved(quote: Quote) -> bool:
    """Whether a sales manager approved the draft exactly as it is now."""
    return bool(quote.approved_fingerprint) and quote.approved_fingerprint == _fingerprint(quote)


def _close_overdue_task(quote: Quote) -> None:
    """The request got its answer: the "waiting too long" task is done."""
    Task.objects.filter(key=f"quote-overdue:{quote.pk}", done_at__isnull=True).update(
        done_at=timezone.now()
    )


def _fingerprint(quote: Quote) -> str:
    rows = quote.lines.order_by("pk").values_list("pk", "quantity", "offered_price")
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def _approval_task_key(quote: Quote, user) -> str:
    return f"quote-approval:{quote.pk}:{user.pk}"


def _close_approval_tasks(quote: Quote) -> None:
    """The approval was given, refused or withdrawn: every sales manager's task is done."""
    Task.objects.filter(key__startswith=f"quote-approval:{quote.pk}:", done_at__isnull=True).update(
        done_at=timezone.now()
    )


@transaction.atomic
def quote_request_approval(*, quote: Quote, by) -> Quote:
    """Ask the sales managers to approve the draft's discounts: a task and an email each.

    The quote waits in AWAITING_APPROVAL, its lines frozen, until a sales manager approves
    or refuses it, or the account manager withdraws the request.
    """
    quote = _locked(quote)
    if quote.state == State.AWAITING_APPROVAL:
        raise QuoteError(_("Approval is requested already: the sales managers have a task for it."))
    _editable(quote)
    needing = lines_needing_approval(quote)
    if not needing:
        raise QuoteError(_("No line is beyond the approval threshold: send the offer directly."))
    if quote_is_approved(quote):
        raise QuoteError(_("These prices are approved already: send the offer."))
    why = "; ".join(f"{line.sku}: {reason}" for line, reason in needing[:10])
    _move_from(
        quote, STAFF_EDITABLE, State.AWAITING_APPROVAL, by=by,
        text=_("Approval requested: %(why)s") % {"why": why},
        refusal=_("Only a draft offer can be sent for approval"),
    )  # fmt: skip
    now = timezone.now()
    quote.approval_requested_at = now
    quote.save(update_fields=["state", "approval_requested_at", "updated_at"])
    title = _("Approve or refuse the offer %(number)s for %(company)s (%(count)s line(s))") % {
        "number": quote.number, "company": quote.company.legal_name, "count": len(needing),
    }  # fmt: skip
    url = reverse("crm:quote-detail", args=[quote.pk])
    for manager in selectors.sales_managers().exclude(pk=getattr(by, "pk", None)):
        Task.objects.update_or_create(
            key=_approval_task_key(quote, manager),
            defaults={"owner": manager, "company": quote.company, "title": title[:200],
                      "url": url, "due_at": now, "done_at": None},
        )  # fmt: skip
    notifications.queue(quote, "approval_requested")
    return quote


@transaction.atomic
def quote_approve(*, quote: Quote, by, note: str = "") -> Quote:
    """A sales manager approves the draft as it is now; a later change needs approval again."""
    if not user_is_sales_manager(user=by):
        raise QuoteError(_("Only a sales manager can approve discounts beyond the threshold."))
    quote = _locked(quote)
    text = _("Discounts approved")
    if note.strip():
        text = f"{text}: {note.strip()[:1000]}"
    if quote.state == State.AWAITING_APPROVAL:
        if selectors.quote_approval_requester(quote=quote) == by:
            raise QuoteError(_("You asked for this approval: another sales manager must give it."))
        _move(quote, State.IN_REVIEW, by=by, text=text)
        notifications.queue(quote, "approval_granted")
    else:
        # A sales manager looking at a draft may approve it without being asked.
        _editable(quote)
        QuoteEvent.objects.create(quote=quote, by=by, text=text)
    quote.approved_by, quote.approved_fingerprint = by, _fingerprint(quote)
    quote.save(update_fields=["state", "approved_by", "approved_fingerprint", "updated_at"])
    _close_approval_tasks(quote)
    return quote


def _pending_approval(quote: Quote, refusal: str) -> None:
    # Approve, refuse and withdraw share AWAITING_APPROVAL -> IN_REVIEW; from any other
    # state the state machine's own message ("'In review' cannot become 'In review'")
    # would not say what is wrong.
    if quote.state != State.AWAITING_APPROVAL:
        raise QuoteError(f"{refusal}; " + _("this quote is '%(state)s'.") % {
            "state": quote.staff_state})  # fmt: skip


@transaction.atomic
def quote_refuse_approval(*, quote: Quote, by, reason: str) -> Quote:
    """A sales manager refuses the discounts, saying why; the draft goes back to review."""
    if not user_is_sales_manager(user=by):
        raise QuoteError(_("Only a sales manager can refuse an approval."))
    if not reason.strip():
        raise QuoteError(_("Say why the approval is refused: the account manager reads it."))
    quote = _locked(quote)
    _pending_approval(quote, _("Only an offer waiting for approval can be refused"))
    _move(quote, State.IN_REVIEW, by=by,
          text=_("Approval refused: %(reason)s") % {"reason": reason.strip()[:1000]})  # fmt: skip
    quote.approved_by, quote.approved_fingerprint = None, ""
    quote.save(update_fields=["state", "approved_by", "approved_fingerprint", "updated_at"])
    _close_approval_tasks(quote)
    notifications.queue(quote, "approval_refused")
    return quote


@transaction.atomic
def quote_withdraw_approval_request(*, quote: Quote, by) -> Quote:
    """The account manager takes the draft back from approval to change it."""
    quote = _locked(quote)
    _pending_approval(quote, _("No approval request is pending"))
    _move(quote, State.IN_REVIEW, by=by, text=_("Approval request withdrawn"))
    quote.save(update_fields=["state", "updated_at"])
    _close_approval_tasks(quote)
    return quote


@transaction.atomic
def quote_send(*, quote: Quote, by) -> QuoteVersion:
    """Freeze the draft into a new version and send it to the buyer."""
    quote = _locked(quote)
    if quote.state == State.AWAITING_APPROVAL:
        raise QuoteError(
            _("This offer is waiting for a sales manager's approval: send it once approved.")
        )
    lines = list(quote.lines.order_by("pk"))
    if not lines:
        raise QuoteError(_("The offer has no lines."))
    unpriced = [line.sku for line in lines if line.offered_price is None]
    if unpriced:
        raise QuoteError(
            _("Give every line an offered price first: %(skus)s.")
            % {"skus": ", ".join(unpriced[:10])}
        )
    if sum((line.offered_price * line.quantity for line in lines), Decimal(0)) > MAX_TOTAL:
        raise QuoteError(
            _("The offer's total is above %(max)s: split it into several quotes.")
            % {"max": f"{MAX_TOTAL:,}"}
        )
    today = timezone.localdate()
    if quote.valid_until is None:
        quote.valid_until = today + timedelta(days=settings.QUOTE_DEFAULT_VALIDITY_DAYS)
    if quote.valid_until < today:
        raise QuoteError(_("The validity date is in the past: set a later one."))
    needing = lines_needing_approval(quote)
    approved = quote.approved_fingerprint == _fingerprint(quote)
    if needing and not approved and not user_is_sales_manager(user=by):
        names = "; ".join(f"{line.sku}: {why}" for line, why in needing[:5])
        raise QuoteError(
            _(
                "A sales manager must approve these discounts before the offer is sent: "
                "%(names)s. Use “Ask a sales manager to approve”."
            )
            % {"names": names}
        )
    _move(quote, State.OFFERED, by=by, text="Offer sent")
    _close_overdue_task(quote)
    number = (quote.versions.count() or 0) + 1
    snapshot = [
        {"sku": line.sku, "title": line.title, "quantity": line.quantity,
         "list_price": str(line.list_price), "unit_price": str(line.offered_price),
         "line_total": str(line.offered_price * line.quantity), "product_id": line.product_id}
        for line in lines
    ]  # fmt: skip
    version = QuoteVersion.objects.create(
        quote=quote, number=number, sent_at=timezone.now(), sent_by=by,
        valid_until=quote.valid_until, terms=quote.terms, currency=quote.currency,
        lines=snapshot, total=sum((line.offered_price * line.quantity for line in lines), Decimal(0)),
    )  # fmt: skip
    quote.offered_at, quote.reminded_at = version.sent_at, None
    quote.save(update_fields=["state", "valid_until", "offered_at", "reminded_at", "updated_at"])
    notifications.queue(quote, "offered")
    return version


@transaction.atomic
def quote_reject(*, quote: Quote, by, reason: str) -> Quote:
    """Staff turn a request down, with a reason the buyer sees."""
    if not reason.strip():
        raise QuoteError(_("Say why the request is rejected: the buyer sees the reason."))
    quote = _move(_locked(quote), State.REJECTED, by=by, text=reason.strip())
    _close_overdue_task(quote)
    quote.reason = reason.strip()[:4000]
    quote.save(update_fields=["state", "reason", "updated_at"])
    notifications.queue(quote, "rejected")
    return quote


# Buyer: accept, decline, ask for changes, cancel -----------------------------------------


def _buyer_may_act(quote: Quote, member) -> None:
    if member is None or member.company_id != quote.company_id:
        raise QuoteError(_("This quote is not your company's."))
    if member.role == member.Role.VIEWER:
        raise QuoteError(_("Your role can see quotes but not act on them: ask a buyer."))
    if not member.company.is_active:
        raise QuoteError(
            _("Your company account is not active: ask your account manager before going on.")
        )


@transaction.atomic
def quote_accept(*, quote: Quote, member, basket) -> Quote:
    """Accept the current offer: its lines go into the basket at the quoted prices, locked.

    Runs under a row lock, so two accepts at once put the lines in once: the second finds
    the quote accepted already and is refused.
    """
    _buyer_may_act(quote, member)
    quote = _locked(quote)
    if (
        quote.state == State.OFFERED
        and quote.valid_until
        and quote.valid_until < timezone.localdate()
    ):
        raise QuoteError(
            _("This offer expired on %(date)s: ask for changes to get a new one.")
            % {"date": f"{quote.valid_until:%d.%m.%Y}"}
        )
    _move(quote, State.ACCEPTED, by=member.user, text="Offer accepted")
    version = quote.versions.order_by("-number").first()
    try:
        basket_services.basket_add_quoted_lines(
            basket=basket,
            reference=quote.number,
            valid_until=version.valid_until,
            delivery_address_id=quote.delivery_address_id,
            currency=version.currency or quote.currency,
            lines=[
                basket_services.QuotedLine(
                    int(row["product_id"]), int(row["quantity"]), Decimal(row["unit_price"])
                )
                for row in version.lines
            ],
        )
    except basket_services.BasketQuoteError as exc:
        raise QuoteError(exc.message) from exc
    quote.save(update_fields=["state", "updated_at"])
    notifications.queue(quote, "accepted")
    webhook_event_emit(
        event="quote.accepted",
        resource_type="quote",
        resource_id=quote.number,
        payload={
            "number": quote.number,
            "version": version.number,
            "company": {"id": quote.company_id, "external_id": quote.company.external_id},
            "currency": version.currency or quote.currency,
            "total": f"{version.total:.2f}",
            "valid_until": version.valid_until,
            "lines": [
                {k: row.get(k) for k in ("sku", "quantity", "unit_price", "line_total")}
                for row in version.lines
            ],
        },
    )
    return quote


@transaction.atomic
def quote_decline(*, quote: Quote, member, reason: str) -> Quote:
    """The buyer declines the offer, saying why."""
    _buyer_may_act(quote, member)
    if not reason.strip():
        raise QuoteError(_("Tell your account manager why you decline: it helps the next offer."))
    quote = _move(_locked(quote), State.DECLINED, by=member.user, text=reason.strip())
    quote.reason = reason.strip()[:4000]
    quote.save(update_fields=["state", "reason", "updated_at"])
    notifications.queue(quote, "declined")
    return quote


@transaction.atomic
def quote_ask_changes(*, quote: Quote, member, message: str) -> Quote:
    """The buyer counters the offer: the message goes to the thread and a new version is drafted."""
    _buyer_may_act(quote, member)
    if not message.strip():
        raise QuoteError(_("Say what should change (prices, quantities, dates)."))
    quote = _move_from(
        _locked(quote),
        (State.OFFERED, State.EXPIRED),
        State.IN_REVIEW,
        by=member.user,
        text="Changes requested",
        refusal=_("You can ask for changes to an offer (or an expired one) only"),
    )
    quote.save(update_fields=["state", "updated_at"])
    QuoteMessage.objects.create(quote=quote, author=member.user, body=message.strip()[:4000])
    notifications.queue(quote, "changes_requested")
    return quote


@transaction.atomic
def quote_cancel(*, quote: Quote, member, reason: str = "", basket=None) -> Quote:
    """The buyer withdraws the request (or an accepted quote not yet ordered)."""
    _buyer_may_act(quote, member)
    quote = _locked(quote)
    was_accepted = quote.state == State.ACCEPTED
    _move(quote, State.CANCELLED, by=member.user, text=reason.strip() or "Cancelled")
    _close_approval_tasks(quote)
    if was_accepted:
        # Accepted but not ordered: the locked lines leave the basket with the quote, also
        # when a colleague cancels (the lines sit in the basket of whoever accepted).
        basket_services.basket_release_quote(basket=basket, reference=quote.number)
    quote.reason = reason.strip()[:4000]
    quote.save(update_fields=["state", "reason", "updated_at"])
    notifications.queue(quote, "cancelled")
    return quote


def quote_mark_ordered(*, quote_number: str, order_number: str) -> None:
    """Record that the accepted quote became an order (from the order_placed receiver)."""
    with transaction.atomic():
        quote = Quote.objects.select_for_update().filter(number=quote_number).first()
        if quote is None or quote.state == State.ORDERED:
            return  # a duplicate delivery changes nothing
        if quote.state != State.ACCEPTED:
            # E.g. cancelled while its basket was being paid for: the order stands (it is
            # paid); staff see it in the history and by email, and nothing is retried.
            QuoteEvent.objects.create(
                quote=quote, text=f"Order {order_number} was placed while the quote was "
                f"'{quote.staff_state}': check it with the buyer.",
            )  # fmt: skip
            quote.order_number = order_number
            quote.save(update_fields=["order_number", "updated_at"])
        else:
            _move(quote, State.ORDERED, by=None, text=f"Order {order_number}")
            quote.order_number = order_number
            quote.save(update_fields=["state", "order_number", "updated_at"])
    notifications.queue(quote, "ordered")


# Thread ----------------------------------------------------------------------------------


@transaction.atomic
def quote_message_post(
    *, quote: Quote, author, body: str, from_staff: bool, internal: bool = False, line_id=None
) -> QuoteMessage:
    """Post to the quote's thread; staff may keep a note internal."""
    body = body.strip()
    if not body:
        raise QuoteError(_("Write a message first."))
    if internal and not from_staff:
        raise QuoteError(_("Only staff can write internal notes."))
    line = None
    if line_id:
        line = quote.lines.filter(pk=line_id).first()
        if line is None:
            raise QuoteError(_("That line is not on this quote: choose another or none."))
    message = QuoteMessage.objects.create(
        quote=quote, author=author, body=body[:4000], is_internal=internal, from_staff=from_staff,
        line=line, line_label=f"{line.sku} {line.title}"[:200] if line else "",
    )  # fmt: skip
    if not internal:
        notifications.queue(quote, "message_to_buyer" if from_staff else "message_to_staff",
                            message_id=message.pk)  # fmt: skip
    return message


# Automation (Celery beat) ----------------------------------------------------------------


def quotes_expire(*, today: date | None = None) -> int:
    """Expire offers past their validity; return how many."""
    today = today or timezone.localdate()
    count = 0
    for pk in Quote.objects.filter(state=State.OFFERED, valid_until__lt=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            quote = Quote.objects.select_for_update().get(pk=pk)
            if quote.state != State.OFFERED or quote.valid_until >= today:
                continue
            _move(
                quote, State.EXPIRED, by=None, text=f"Not accepted by {quote.valid_until:%d.%m.%Y}"
            )
            quote.save(update_fields=["state", "updated_at"])
            notifications.queue(quote, "expired")
            count += 1
    return count


def quotes_remind_expiring(*, today: date | None = None) -> int:
    """Remind buyers of offers that expire within the reminder window, once per version."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.QUOTE_REMIND_DAYS_BEFORE_EXPIRY)
    count = 0
    due = Quote.objects.filter(state=State.OFFERED, reminded_at__isnull=True,
                               valid_until__gte=today, valid_until__lte=horizon)  # fmt: skip
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            updated = Quote.objects.filter(pk=pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            )
            if updated:
                notifications.queue(Quote.objects.get(pk=pk), "expiry_reminder")
                count += 1
    return count


def business_days_between(start, end) -> int:
    """Whole business days (Monday to Friday) from ``start`` to ``end``."""
    days, current = 0, start
    while current + timedelta(days=1) <= end:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days += 1
    return days


def quotes_alert_overdue(*, now=None) -> int:
    """A task and an email for the account manager of each request waiting past the target."""
    now = now or timezone.now()
    target = settings.QUOTE_RESPONSE_TARGET_BUSINESS_DAYS
    count = 0
    waiting = Quote.objects.filter(state=State.REQUESTED, overdue_alerted_at__isnull=True)
    for quote in waiting.select_related("account_manager", "company"):
        if business_days_between(quote.created_at, now) < target:
            continue
        with transaction.atomic():
            if not Quote.objects.filter(pk=quote.pk, overdue_alerted_at__isnull=True).update(
                overdue_alerted_at=now
            ):
                continue
            owner = quote.account_manager
            if owner is not None:
                Task.objects.get_or_create(
                    key=f"quote-overdue:{quote.pk}",
                    defaults={
                        "owner": owner, "company": quote.company, "due_at": now,
                        "title": f"Answer request for quote {quote.number} from "
                                 f"{quote.company.legal_name}: waiting since "
                                 f"{timezone.localtime(quote.created_at):%d.%m.%Y %H:%M}",
                        "url": f"/crm/quotes/{quote.pk}/",
                    },
                )  # fmt: skip
            notifications.queue(quote, "overdue")
            count += 1
    return count


# Reading helpers used by views ------------------------------------------------------------


def version_changes(older: QuoteVersion | None, newer: QuoteVersion) -> list[str]:
    """What changed from one sent version to the next, in words."""
    if older is None:
        return ["First offer."]
    before = {row["sku"]: row for row in older.lines}
    after = {row["sku"]: row for row in newer.lines}
    changes = []
    for sku, row in after.items():
        old = before.get(sku)
        if old is None:
            changes.append(f"{sku} added: {row['quantity']} at {row['unit_price']}")
            continue
        if old["quantity"] != row["quantity"]:
            changes.append(f"{sku} quantity {old['quantity']} → {row['quantity']}")
        if old["unit_price"] != row["unit_price"]:
            changes.append(f"{sku} unit price {old['unit_price']} → {row['unit_price']}")
    changes += [f"{sku} removed" for sku in before if sku not in after]
    if older.valid_until != newer.valid_until:
        changes.append(f"valid until {older.valid_until:%d.%m.%Y} → {newer.valid_until:%d.%m.%Y}")
    if older.terms != newer.terms:
        changes.append("terms changed")
    if older.total != newer.total:
        changes.append(f"total {older.total:,.2f} → {newer.total:,.2f} {newer.currency}")
    return changes or ["No change."]


__all__ = ["IllegalTransition", "QuoteError"]
