"""Staff input for order documents: a credit note's amount and reason."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from shop.credit.forms import AMOUNT_ERRORS
from shop.validators import TextGuardMixin


class CreditNoteForm(TextGuardMixin, forms.Form):
    """How much of an invoice to credit, and why (printed on the credit note)."""

    amount = forms.DecimalField(
        label=_("Amount to credit (gross)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages=AMOUNT_ERRORS,
    )
    reason = forms.CharField(
        label=_("Reason"),
        min_length=3,
        max_length=500,
        help_text=_("Printed on the credit note, e.g. 'two brake discs returned'."),
        error_messages={"required": _("Say why you credit, e.g. 'two brake discs returned'.")},
    )
