"""The card payment the browser confirmed with Stripe.js, posted with "Place order"."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from shop.validators import TextGuardMixin


class CardPaymentForm(TextGuardMixin, forms.Form):
    payment_intent = forms.CharField(
        widget=forms.HiddenInput,
        max_length=255,
        error_messages={
            "required": _(
                "The card payment was not confirmed: enter your card details and place the "
                "order again."
            )
        },
        validators=[
            RegexValidator(
                r"^pi_[A-Za-z0-9_]+$",
                message=_("That is not a card payment reference: enter your card details again."),
            )
        ],
    )
