"""Staff actions on card payments from the dashboard, and the sales managers' permissions."""

import logging
from decimal import Decimal

import stripe
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from shop.companies.selectors import SALES_MANAGERS_GROUP
from shop.dashboard.access import CUSTOM_PERMISSIONS, SALES_MANAGER_PERMISSIONS
from shop.dashboard.models import UnmatchedPaymentResolution
from shop.errors import PortalError
from shop.money import money_format, money_round
from shop.payment.gateway import PaymentNotConfigured, stripe_client
from shop.payment.models import UnmatchedPayment
from shop.payment.services import CARD_SOURCE_TYPE, CardPaymentRefused, card_refund

logger = logging.getLogger(__name__)

OrderNote = get_model("order", "OrderNote")
Source = get_model("payment", "Source")


class DashboardPaymentError(PortalError):
    """A refund or resolution staff asked for cannot be done; the message says why."""


def order_card_refund(*, order, amount: Decimal, reason: str, user) -> str:
    """Refund part or all of an order's card payment and note who did it and why; return the refund id."""
    amount = money_round(amount)
    with transaction.atomic():
        # Two staff refunding at once: the second waits here, then sees the first's refund
        # in amount_refunded instead of refunding the same rest again.
        locked = list(
            Source.objects.select_for_update().filter(
                order=order, source_type__name=CARD_SOURCE_TYPE
            )
        )
        if not locked:
            raise DashboardPaymentError(
                _(
                    "Order %(number)s was not paid by card: there is nothing to refund through Stripe."
                )
                % {"number": order.number}
            )
        try:
            refund_id = card_refund(order=order, amount=amount)
        except CardPaymentRefused as exc:
            raise DashboardPaymentError(exc.message, field="amount") from exc
        OrderNote.objects.create(
            order=order,
            user=user,
            note_type=OrderNote.SYSTEM,
            message=_("Card refund of %(amount)s (Stripe %(reference)s). Reason: %(reason)s")
            % {
                "amount": money_format(amount, locked[0].currency or order.currency),
                "reference": refund_id,
                "reason": reason,
            },
        )
    return refund_id


def _open_payment(payment_id: int) -> UnmatchedPayment:
    payment = UnmatchedPayment.objects.select_for_update().filter(pk=payment_id).first()
    if payment is None:
        raise DashboardPaymentError(_("That card payment does not exist (any more)."))
    if payment.resolved_at is not None:
        raise DashboardPaymentError(
            _("This card payment was resolved already on %(date)s: nothing was changed.")
            % {"date": timezone.localtime(payment.resolved_at).strftime("%Y-%m-%d %H:%M")}
        )
    return payment


def _resolve(*, payment: UnmatchedPayment, kind: str, note: str, user, refund_reference=""):
    now = timezone.now()
    UnmatchedPaymentResolution.objects.create(
        payment=payment,
        kind=kind,
        note=note,
        actor=user,
        refund_reference=refund_reference,
        created_at=now,
    )
    UnmatchedPayment.objects.filter(pk=payment.pk).update(resolved_at=now)


def unmatched_payment_refund(*, payment_id: int, note: str, user) -> str:
    """Refund a card payment no order accounts for, in full, through Stripe; return the refund id."""
    with transaction.atomic():
        payment = _open_payment(payment_id)
        try:
            refund = stripe_client().v1.refunds.create(
                params={"payment_intent": payment.intent_id},
                # A retried click gets Stripe's first answer back, never a second refund.
                options={"idempotency_key": f"unmatched-refund-{payment.intent_id}"},
            )
        except (stripe.StripeError, PaymentNotConfigured) as exc:
            logger.warning("Stripe refused to refund unmatched payment %s: %s", payment.pk, exc)
            raise DashboardPaymentError(
                _("Stripe did not accept the refund, nothing was changed: %(error)s")
                % {"error": str(exc)}
            ) from exc
        _resolve(
            payment=payment,
            kind=UnmatchedPaymentResolution.Kind.REFUNDED,
            note=note,
            user=user,
            refund_reference=refund.id,
        )
    return refund.id


def unmatched_payment_mark_handled(*, payment_id: int, note: str, user) -> None:
    """Close a card payment no order accounts for without refunding it, saying how it was handled."""
    with transaction.atomic():
        payment = _open_payment(payment_id)
        _resolve(
            payment=payment, kind=UnmatchedPaymentResolution.Kind.HANDLED, note=note, user=user
        )


def _permission(code: str, *, using: str):
    app_label, codename = code.split(".", 1)
    action, _sep, model_name = codename.partition("_")
    name = None
    if code in CUSTOM_PERMISSIONS:
        app_label, model_name, name = CUSTOM_PERMISSIONS[code]
    model = django_apps.get_model(app_label, model_name)
    content_type = ContentType.objects.db_manager(using).get_for_model(
        model, for_concrete_model=False
    )
    permission, _created = Permission.objects.using(using).get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": (name or f"Can {action} {model._meta.verbose_name_raw}")[:255]},
    )
    return permission


def sales_manager_permissions_ensure(*, using: str = "default", create: bool = False) -> None:
    """Give the sales managers' group its dashboard permissions, creating any still missing.

    After ``migrate`` (post_migrate) only an existing group is completed: creating it there
    would also happen after every test-database flush, and a test that restores the
    database's serialized contents then meets the group twice. ``seed_demo`` and staff
    create the group (``create=True``).
    """
    groups = Group.objects.using(using)
    group = (
        groups.get_or_create(name=SALES_MANAGERS_GROUP)[0]
        if create
        else groups.filter(name=SALES_MANAGERS_GROUP).first()
    )
    if group is None:
        return
    group.permissions.add(*(_permission(code, using=using) for code in SALES_MANAGER_PERMISSIONS))
