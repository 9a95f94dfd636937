"""Staff input on the dashboard's payment pages: a card refund, resolving a stray payment."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from shop.credit.forms import AMOUNT_ERRORS
from shop.money import money_format
from shop.validators import TextGuardMixin


class CardRefundForm(TextGuardMixin, forms.Form):
    """How much of an order's card payment to refund, and why."""

    amount = forms.DecimalField(
        label=_("Amount to refund"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages=AMOUNT_ERRORS,
    )
    reason = forms.CharField(
        label=_("Reason"),
        min_length=3,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Saved as a note on the order with your name, e.g. 'two brake discs returned'."
        ),
        error_messages={"required": _("Say why you refund, e.g. 'two brake discs returned'.")},
    )

    def __init__(self, *args, refundable: Decimal, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.refundable = refundable
        self.currency = currency
        self.fields["amount"].initial = refundable

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount > self.refundable:
            raise forms.ValidationError(
                _(
                    "At most %(refundable)s can still be refunded on this order: enter that "
                    "amount or less."
                ),
                params={"refundable": money_format(self.refundable, self.currency)},
            )
        return amount


class UnmatchedPaymentActionForm(TextGuardMixin, forms.Form):
    """Refund a stray card payment or mark it handled, always with a note."""

    REFUND = "refund"
    HANDLED = "handled"

    action = forms.ChoiceField(
        choices=[(REFUND, _("Refund in full through Stripe")), (HANDLED, _("Mark handled"))],
        error_messages={"invalid_choice": _("Choose whether to refund or to mark handled.")},
    )
    note = forms.CharField(
        label=_("Note"),
        min_length=3,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What you did and why, e.g. 'order 100123 placed by phone'."),
        error_messages={
            "required": _(
                "Write a note: what you did and why, e.g. 'order 100123 placed by phone'."
            )
        },
    )
