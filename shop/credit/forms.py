"""Input for the credit line: a higher-limit request, payments, credit notes, hold overrides."""

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


class LedgerCreditForm(TextGuardMixin, forms.Form):
    """A payment received or a credit note, as staff record it."""

    amount = amount_field(_("Amount"))
    reference = forms.CharField(
        label=_("Reference"),
        max_length=64,
        help_text=_("The bank transfer's reference or the credit note number."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class HoldOverrideForm(TextGuardMixin, forms.Form):
    """Staff lift a credit hold through a day, saying why."""

    reason = forms.CharField(
        label=_("Reason"), min_length=10, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    until = forms.DateField(
        label=_("Lift the hold until (inclusive)"), widget=forms.DateInput(attrs={"type": "date"})
    )


class CreditSettingsForm(TextGuardMixin, forms.Form):
    """Staff set a company's credit limit and credit control (hold, warning band, PO number)."""

    credit_limit = forms.DecimalField(
        label=_("Credit limit"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        help_text=_("0 allows no orders on account."),
        error_messages={
            "required": _("Enter the credit limit, e.g. 25000.00 (0 for none)."),
            "invalid": _(
                "Enter the credit limit as a number, e.g. 25000.00 (digits and one decimal point)."
            ),
            "min_value": _("The credit limit cannot be negative: enter 0 or more, e.g. 25000.00."),
            "max_decimal_places": _("Enter the limit with at most two decimal places."),
            "max_digits": _("That limit is too large: at most 9,999,999,999.99."),
        },
    )
    hold_after_days_overdue = forms.IntegerField(
        label=_("Hold when overdue by more than (days)"),
        required=False,
        min_value=0,
        max_value=365,
        help_text=_("Empty: overdue invoices never put the account on hold."),
        error_messages={
            "invalid": _("Enter a whole number of days, e.g. 30, or leave it empty for no hold."),
            "min_value": _("Enter 0 or more days (0: any overdue invoice holds the account)."),
            "max_value": _("Enter at most 365 days, or leave it empty for no hold."),
        },
    )
    warning_percent = forms.IntegerField(
        label=_("Warning band (percent of the limit)"),
        min_value=1,
        max_value=100,
        help_text=_("Buyers are warned once an order takes the use of the limit past this."),
        error_messages={
            "required": _("Enter a percentage between 1 and 100, e.g. 80."),
            "invalid": _("Enter a whole percentage between 1 and 100, e.g. 80."),
            "min_value": _("Enter a percentage between 1 and 100, e.g. 80."),
            "max_value": _("Enter a percentage between 1 and 100, e.g. 80."),
        },
    )
    po_number_required = forms.BooleanField(
        label=_("Purchase order number required at checkout"), required=False
    )
