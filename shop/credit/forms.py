"""Input for the credit line on the buyer's side: a higher-limit request.

The account team's credit forms (payments, credit notes, hold overrides, settings) live in
the CRM's accounts room (crm_embedded/accounts/forms.py)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from shop.validators import TextGuardMixin

AMOUNT_ERRORS = {
    "required": _("Enter the amount, e.g. 1250.00."),
    "invalid": _("Enter the amount as a number, e.g. 1250.00 (digits and one decimal point)."),
    "min_value": _("Enter an amount greater than zero, e.g. 1250.00."),
    "max_decimal_places": _("Enter the amount with at most two decimal places."),
    "max_digits": _("That amount is too large: at most 999,999,999,999.99."),
}


def amount_field(label) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages=AMOUNT_ERRORS,
    )


class LimitRequestForm(TextGuardMixin, forms.Form):
    """The buyer asks for a higher limit; the amount is the order that did not fit."""

    amount = amount_field(_("Order total"))
    currency = forms.RegexField(regex=r"^[A-Z]{3}$", max_length=3)
