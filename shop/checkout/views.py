"""Oscar's checkout, recording the buyer's company, any staff member acting for them, and the
accepted quote the basket carries (an order per quote at most: a unique constraint)."""

import logging
from decimal import Decimal

from django.contrib import messages
from django.db import IntegrityError, connection, transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from oscar.apps.checkout import views
from oscar.apps.checkout.exceptions import FailedPreCondition
from oscar.apps.order.exceptions import UnableToPlaceOrder
from oscar.apps.payment.exceptions import UnableToTakePayment
from oscar.core.loading import get_class, get_model

from shop.approvals.forms import ApprovalNoteForm
from shop.approvals.services import approval_request_create, approval_required
from shop.checkout.forms import CompanyShippingAddressForm, PurchaseOrderForm
from shop.checkout.payment import (
    CARD,
    ON_ACCOUNT,
    card_instead_available,
    card_payment_available,
    payment_refusal,
    payment_route,
)
from shop.companies.models import CompanyAddress
from shop.companies.selectors import company_addresses
from shop.credit import services as credit_services
from shop.credit.selectors import credit_account_settings
from shop.notifications.services import notification_send_rendered
from shop.partner.services import StockShortage, stock_reserve_for_basket
from shop.payment import services as card
from shop.payment.forms import CardPaymentForm
from shop.tax.services import basket_ship_to

Basket = get_model("basket", "Basket")
Country = get_model("address", "Country")
log = logging.getLogger(__name__)
Order = get_model("order", "Order")
OrderDispatcher = get_class("order.utils", "OrderDispatcher")
Source = get_model("payment", "Source")
UserAddress = get_model("address", "UserAddress")
SourceType = get_model("payment", "SourceType")

# Which address-book entry the buyer chose, kept beside Oscar's own shipping session data.
COMPANY_ADDRESS_KEY = "company_address_id"
# The PO number typed on the payment step: the checkout session holds it for the preview
# (however it is reached) and for placing the order.
PO_NAMESPACE, PO_KEY = "payment", "purchase_order_number"
# Set by "Pay this order by card instead" after a credit refusal; flushed with the session
# when the order is placed, so the company's next order is on account again.
CARD_INSTEAD_KEY = "card_instead"
PAY_BY_CARD_INSTEAD, PAY_ON_ACCOUNT = "pay_by_card_instead", "pay_on_account"


def _company_delivery_addresses(request):
    member = getattr(request, "company_member", None)
    if member is None:
        return CompanyAddress.objects.none()
    return company_addresses(company=member.company).filter(kind=CompanyAddress.Kind.SHIPPING)


def _shipping_fields(*, address: CompanyAddress, user) -> dict:
    """Return an address-book entry as Oscar's session fields for a new shipping address."""
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "line1": address.company.legal_name,
        "line2": address.line1,
        "line3": address.line2,
        "line4": address.city,
        "state": "",
        "postcode": address.postcode,
        "country_id": address.country,
        "phone_number": "",
        "notes": "",
    }


class ShippingAddressView(views.ShippingAddressView):
    """Oscar's address step, offering the company's delivery addresses before a typed one.

    An accepted quote's delivery address (recorded on its basket lines) is pre-selected.
    """

    def _preselected(self, addresses) -> int | None:
        chosen = self.checkout_session._get("shipping", COMPANY_ADDRESS_KEY)
        quoted = next(
            (
                line.quote_delivery_address_id
                for line in self.request.basket.all_lines()
                if line.quote_delivery_address_id
            ),
            None,
        )
        ids = [address.pk for address in addresses]
        for candidate in (chosen, quoted):
            if candidate in ids:
                return candidate
        default = next((address.pk for address in addresses if address.is_default), None)
        return default or (ids[0] if ids else None)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if "company_address_form" not in ctx:
            addresses = list(_company_delivery_addresses(self.request))
            ctx["company_address_form"] = CompanyShippingAddressForm(
                addresses=_company_delivery_addresses(self.request),
                initial={"company_address": self._preselected(addresses)},
            )
        ctx["company_address_count"] = len(
            ctx["company_address_form"].fields["company_address"].choices
        )
        return ctx

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") != "ship_to_company_address":
            try:
                return super().post(request, *args, **kwargs)
            except (UserAddress.DoesNotExist, ValueError):
                # Oscar looks up a posted personal address id unguarded (a 500 otherwise).
                messages.error(
                    request,
                    _("That address is not in your address book: choose one of those listed."),
                )
                return redirect("checkout:shipping-address")
        form = CompanyShippingAddressForm(
            request.POST, addresses=_company_delivery_addresses(request)
        )
        if form.is_valid():
            address = form.cleaned_data["company_address"]
            if Country.objects.filter(pk=address.country, is_shipping_country=True).exists():
                self.checkout_session.ship_to_new_address(
                    _shipping_fields(address=address, user=request.user)
                )
                self.checkout_session._set("shipping", COMPANY_ADDRESS_KEY, address.pk)
                return redirect(self.get_success_url())
            form.add_error(
                "company_address",
                _(
                    "We do not deliver to %(country)s from this shop yet: choose another "
                    "address, or ask your account manager."
                )
                % {"country": address.get_country_display()},
            )
        return self.render_to_response(self.get_context_data(company_address_form=form))

    def get_initial(self):
        initial = super().get_initial()
        member = getattr(self.request, "company_member", None)
        if not initial and member is not None:
            # A typed address starts in the company's country, not the first in the list.
            country = Country.objects.filter(
                pk=member.company.country, is_shipping_country=True
            ).first()
            if country is not None:
                initial = {"country": country}
        return initial

    def form_valid(self, form):
        self.checkout_session._unset("shipping", COMPANY_ADDRESS_KEY)
        return super().form_valid(form)


class PaymentDetailsView(views.PaymentDetailsView):
    """Oscar's payment and preview steps: the buyer's PO number, and payment by route.

    On-account buyers are invoiced (a payment source records the terms); the card route
    (Stripe) plugs in at ``handle_payment`` once ``card_payment_available()`` says so.
    """

    def check_pre_conditions(self, request):
        """Oscar's checks (basket valid, stock, address); a card already charged for a basket
        that no longer passes them (the last units sold meanwhile) is refunded at once."""
        try:
            super().check_pre_conditions(request)
        except FailedPreCondition as exc:
            intent_id = request.POST.get("payment_intent", "") if request.method == "POST" else ""
            if intent_id and card.card_intent_release(
                intent_id=intent_id, basket_id=request.basket.id
            ):
                exc.messages.append(_("Your card payment was refunded in full."))
            raise

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if "po_form" not in ctx:
            ctx["po_form"] = self._po_form(initial={PO_KEY: self._stored_po_number() or ""})
        ctx["payment_route"] = self._payment_route()
        ctx["card_instead"] = self._card_instead()
        ctx.update(self._approval_context(ctx))
        ctx.update(self._credit_context(ctx))
        # An order sent for approval takes no card payment now (the buyer pays once approved).
        if self.preview and ctx["payment_route"] == CARD and "approval_reasons" not in ctx:
            ctx.update(self._card_context(ctx["basket"], ctx["order_total"]))
        return ctx

    def _card_instead(self) -> bool:
        """Whether this on-account checkout pays this one order by card (credit refused)."""
        session = getattr(self, "checkout_session", None)  # none when an approval places it
        return bool(
            session is not None
            and session._get(PO_NAMESPACE, CARD_INSTEAD_KEY)
            and card_instead_available(member=getattr(self.request, "company_member", None))
        )

    def _payment_route(self) -> str:
        if self._card_instead():
            return CARD
        return payment_route(member=getattr(self.request, "company_member", None))

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "")
        if self.preview and action in (PAY_BY_CARD_INSTEAD, PAY_ON_ACCOUNT):
            return self._switch_payment_route(request, by_card=action == PAY_BY_CARD_INSTEAD)
        return super().post(request, *args, **kwargs)

    def _switch_payment_route(self, request, *, by_card: bool):
        """Pay this order by card instead of on account (the way out of a credit refusal)."""
        member = getattr(request, "company_member", None)
        if by_card and not card_instead_available(member=member):
            messages.error(
                request,
                _(
                    "Card payment is unavailable right now: request a higher limit, or ask "
                    "your account manager."
                ),
            )
            return redirect("checkout:payment-details")
        self.checkout_session._set(PO_NAMESPACE, CARD_INSTEAD_KEY, by_card)
        if by_card:
            messages.info(
                request,
                _(
                    "This order is paid by card instead of on account: enter your card "
                    "details and place the order. Your next orders are on account again."
                ),
            )
        return redirect("checkout:preview")

    def _card_context(self, basket, total) -> dict:
        """The intent the browser confirms with Stripe.js (created once per basket and total)."""
        try:
            intent = card.card_intent_for_basket(
                basket_id=basket.id,
                order_number=self.generate_order_number(basket),
                amount=total.incl_tax,
                currency=total.currency,
            )
        except card.CardPaymentRefused as exc:
            return {"card_unavailable": exc.message}
        return {"card_intent": intent, **card.card_browser_settings()}

    credit_refusal = None
    # An approved request's total, set by the approval's placement: it is still counted as
    # pending while its order is placed, and must not be counted twice.
    credit_releasing_pending = Decimal("0.00")

    def _po_form(self, data=None, initial=None) -> PurchaseOrderForm:
        member = getattr(self.request, "company_member", None)
        required = bool(
            member and credit_account_settings(company=member.company).po_number_required
        )
        return PurchaseOrderForm(data, initial=initial, po_required=required)

    def _stored_po_number(self) -> str | None:
        """The PO number saved by the payment step, or None when it has not been submitted."""
        return self.checkout_session._get(PO_NAMESPACE, PO_KEY)

    def _placement_po_data(self, post) -> dict:
        """The PO number to place the order with: the session's, else the posted hidden field."""
        stored = self._stored_po_number()
        if stored is None:
            return {PO_KEY: post.get(PO_KEY, "")}
        return {PO_KEY: stored}

    def _credit_context(self, ctx) -> dict:
        """A refusal with its ways out, or the warning-band notice, for on-account buyers."""
        if self.credit_refusal is not None:
            return {"credit_refusal": self.credit_refusal}
        member = getattr(self.request, "company_member", None)
        if ctx["payment_route"] == ON_ACCOUNT and ctx.get("order_total") is not None:
            return {
                "credit_warning": credit_services.credit_warning(
                    company=member.company, amount=ctx["order_total"].incl_tax
                )
            }
        return {}

    def _approval_context(self, ctx) -> dict:
        """Why this order needs approval (over the buyer's limits), and the note for approvers."""
        member = getattr(self.request, "company_member", None)
        total = ctx.get("order_total")
        if not self.preview or member is None or total is None:
            return {}
        reasons = approval_required(
            member=member, total=total.incl_tax, currency=total.currency, basket=ctx["basket"]
        )
        if not reasons:
            return {}
        return {
            "approval_reasons": reasons,
            "approval_note_form": ctx.get("approval_note_form") or ApprovalNoteForm(),
        }

    def _approval_submission(self, request, submission, po_form):
        """Over the buyer's limits, the basket goes to the approvers before any payment."""
        member = getattr(request, "company_member", None)
        total = submission["order_total"]
        reasons = approval_required(
            member=member,
            total=total.incl_tax,
            currency=total.currency,
            basket=submission["basket"],
        )
        if not reasons:
            return None
        note_form = ApprovalNoteForm(request.POST)
        if not note_form.is_valid():
            return self.render_preview(request, po_form=po_form, approval_note_form=note_form)
        approval = approval_request_create(
            basket=submission["basket"],
            member=member,
            order_total=total,
            shipping_address=submission["shipping_address"],
            shipping_method=submission["shipping_method"],
            note=note_form.cleaned_data["approval_note"],
            purchase_order_number=po_form.cleaned_data["purchase_order_number"],
            reasons=reasons,
        )
        self.checkout_session.flush()
        return redirect("approvals:sent", pk=approval.pk)

    def handle_payment_details_submission(self, request):
        form = self._po_form(request.POST)
        if not form.is_valid():
            return self.render_payment_details(request, po_form=form)
        self.checkout_session._set(PO_NAMESPACE, PO_KEY, form.cleaned_data[PO_KEY])
        return self.render_preview(request, po_form=form)

    def handle_place_order_submission(self, request):
        if not self._basket_still_open(request.basket):
            # A double click or a replayed POST while the first one placed the order.
            messages.info(
                request,
                _(
                    "This order has already been placed (Place order was sent twice): it is "
                    "in your order history, and nothing was charged twice."
                ),
            )
            return redirect("customer:order-list")
        form = self._po_form(self._placement_po_data(request.POST))
        if not form.is_valid():
            return self.render_payment_details(request, po_form=form)
        submission = self.build_submission()
        sent_for_approval = self._approval_submission(request, submission, form)
        if sent_for_approval is not None:
            return sent_for_approval
        if self._payment_route() == CARD:
            card_form = CardPaymentForm(request.POST)
            if not card_form.is_valid():
                return self.render_preview(
                    request, po_form=form, error=card_form.errors["payment_intent"][0]
                )
            submission["payment_kwargs"]["card_form"] = card_form
        submission["order_kwargs"]["purchase_order_number"] = form.cleaned_data[
            "purchase_order_number"
        ]
        return self.submit(**submission)

    @staticmethod
    def _basket_still_open(basket) -> bool:
        """Lock the basket's row and check no parallel "Place order" has submitted it."""
        return Basket.objects.select_for_update().filter(pk=basket.pk, status=Basket.OPEN).exists()

    def handle_payment(self, order_number, total, **kwargs):
        member = getattr(self.request, "company_member", None)
        # Checked again here, not only on entering checkout: terms can change mid-checkout.
        refusal = payment_refusal(member=member)
        if refusal:
            raise UnableToTakePayment(refusal)
        route = self._payment_route()
        if route == ON_ACCOUNT:
            self._credit_authorise(member, order_number, total)
            source_type, _created = SourceType.objects.get_or_create(name="On account")
            self.add_payment_source(
                Source(
                    source_type=source_type,
                    currency=total.currency,
                    amount_allocated=total.incl_tax,
                    reference=str(member.company.get_payment_terms_display()),
                )
            )
        elif route == CARD:
            self._take_card_payment(order_number, total, kwargs.get("card_form"))

    def _take_card_payment(self, order_number, total, card_form) -> None:
        """Verify the intent the browser confirmed and record it; "processing" awaits payment."""
        if card_form is None or not card_form.is_valid():
            raise UnableToTakePayment(_("Enter your card details and place the order again."))
        self.card_payment_record(
            order_number=order_number,
            total=total,
            intent_id=card_form.cleaned_data["payment_intent"],
            basket=self.request.basket,
        )

    def card_payment_record(self, *, order_number, total, intent_id: str, basket) -> None:
        """Check stock, verify and claim the card payment, and record it on the order.

        The basket's stock is locked and checked first: the card is already charged, so
        units another buyer took a moment ago refund the payment instead of leaving it
        without an order. Used by checkout and by the approvals' pay-by-link placement.
        """
        try:
            stock_reserve_for_basket(basket=basket)
        except StockShortage as exc:
            message = exc.message
            if card.card_intent_release(intent_id=intent_id, basket_id=basket.id):
                refunded = _("Your card payment was refunded in full.")
                message = f"{message} {refunded}"
            raise UnableToTakePayment(message) from exc
        status = card.card_intent_verify(
            intent_id=intent_id,
            basket_id=basket.id,
            expected_amount=total.incl_tax,
            currency=total.currency,
        )
        card.card_intent_claim(intent_id=intent_id, order_number=order_number)
        paid = status == card.SUCCEEDED
        self.add_payment_source(
            Source(
                source_type=card.card_source_type(),
                currency=total.currency,
                amount_allocated=total.incl_tax,
                amount_debited=total.incl_tax if paid else 0,
                reference=intent_id,
            )
        )
        if paid:
            self.add_payment_event("Settled", total.incl_tax, reference=intent_id)
        else:
            # Stripe still processing: the order waits for the webhook's "succeeded".
            self._card_awaiting_payment = True

    def _credit_authorise(self, member, order_number, total) -> None:
        """Authorise the order against the credit line; the debit is undone if placing fails."""
        self._credit_savepoint = transaction.savepoint() if connection.in_atomic_block else None
        try:
            authorisation = credit_services.credit_authorise_order(
                company=member.company,
                order_number=order_number,
                amount=total.incl_tax,
                currency=total.currency,
                user=self.request.user,
                releasing_pending=self.credit_releasing_pending,
            )
        except credit_services.CreditRefused as exc:
            self.credit_refusal = {
                "message": exc.message,
                "on_hold": exc.on_hold,
                "amount": total.incl_tax,
                "currency": total.currency,
                "card_available": card_payment_available(),
            }
            raise UnableToTakePayment(exc.message) from exc
        if authorisation.warning:
            messages.warning(self.request, authorisation.warning)

    def build_submission(self, **kwargs):
        # Tax follows the delivery address chosen at checkout, not the default one.
        basket = kwargs.get("basket", self.request.basket)
        address = self.get_shipping_address(basket)
        basket_ship_to(basket=basket, country=address.country_id if address else None)
        submission = super().build_submission(**kwargs)
        member = getattr(self.request, "company_member", None)
        if member is not None:
            submission["order_kwargs"]["company"] = member.company
        staff = getattr(self.request, "acting_staff", None)
        if staff is not None:
            submission["order_kwargs"]["placed_by_staff"] = staff
        references = {
            line.quote_reference
            for line in submission["basket"].all_lines()
            if line.quote_reference
        }
        if references:
            submission["order_kwargs"]["quote_reference"] = sorted(references)[0]
        return submission

    def handle_order_placement(self, order_number, user, basket, *args, **kwargs):
        savepoint = getattr(self, "_credit_savepoint", None)
        try:
            response = self._place_order(order_number, user, basket, *args, **kwargs)
        except Exception:
            if savepoint is not None:  # no order, so no debit on the company's ledger
                transaction.savepoint_rollback(savepoint)
            raise
        credit_services.ledger_attach_order(order_number=order_number)
        # Stripe's webhook may have flagged the card payment before this order was placed.
        card.card_payment_placed(order_number=order_number)
        return response

    def send_order_placed_email(self, order):
        """Oscar sends the confirmation inside the placement: a mail server that is down must
        not fail the order. The same message then goes through the notification log, whose
        Celery delivery retries it."""
        try:
            super().send_order_placed_email(order)
        except Exception:
            log.exception("order %s placed; its confirmation email failed: queued", order.number)
            rendered = OrderDispatcher(logger=log).dispatcher.get_messages(
                OrderDispatcher.ORDER_PLACED_EVENT_CODE, self.get_message_context(order)
            )
            notification_send_rendered(
                kind="order_placed",
                to=[order.email],
                subject=rendered["subject"],
                body_text=rendered["body"],
                body_html=rendered["html"],
                key=f"order_placed:{order.number}",
            )

    def _place_order(self, order_number, user, basket, *args, **kwargs):
        reference = kwargs.get("quote_reference", "")
        if reference and Order.objects.filter(quote_reference=reference).exists():
            raise UnableToPlaceOrder(
                _("Quote %(quote)s has already been ordered: it converts into one order only.")
                % {"quote": reference}
            )
        if getattr(self, "_card_awaiting_payment", False):
            kwargs["status"] = card.AWAITING_PAYMENT
        try:
            return super().handle_order_placement(order_number, user, basket, *args, **kwargs)
        except IntegrityError as exc:
            # The race backstop: two checkouts of one quote at once (PostgreSQL names the
            # constraint, SQLite the column).
            if reference and (
                "order_one_order_per_quote" in str(exc) or "quote_reference" in str(exc)
            ):
                raise UnableToPlaceOrder(
                    _("Quote %(quote)s has already been ordered: it converts into one order only.")
                    % {"quote": reference}
                ) from exc
            raise
