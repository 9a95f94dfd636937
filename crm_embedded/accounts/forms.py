"""Input for the accounts room: account filters and edits, reassignment, application decisions,
and the credit line as the account team records it (payments, credit notes, holds, settings).
"""

from decimal import Decimal

from django import forms
from django.forms.models import fields_for_model, model_to_dict
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from shop.companies import selectors, services
from shop.validators import TextGuardMixin, guard_text_fields
from shop.widgets import DateInput


class CompanyFilterForm(TextGuardMixin, forms.Form):
    q = forms.CharField(required=False, max_length=100, label=_("Search accounts"))
    status = forms.ChoiceField(required=False, label=_("Status"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            ("", _("Any status")),
            *selectors.company_status_choices(),
        ]


class StaffCompanyForm(TextGuardMixin, forms.Form):
    """The company fields the account team may change, as the company model defines them."""

    def __init__(self, *args, company, **kwargs):
        kwargs.setdefault("initial", model_to_dict(company, fields=services.STAFF_EDITABLE))
        super().__init__(*args, **kwargs)
        # The model class comes with the company the selector returned: no import of it here.
        model = type(company)
        fields = [name for name in services.STAFF_EDITABLE if name != "website"]
        self.fields.update(fields_for_model(model, fields=fields))
        if "website" in services.STAFF_EDITABLE:
            self.fields["website"] = forms.URLField(
                label=capfirst(model._meta.get_field("website").verbose_name),
                required=False,
                assume_scheme="https",
            )
        self.order_fields(services.STAFF_EDITABLE)
        guard_text_fields(self.fields)


class StaffChoiceField(forms.ModelChoiceField):
    """Staff by name and email (a username says nothing to the person choosing)."""

    def label_from_instance(self, user) -> str:
        name = user.get_full_name().strip()
        return (
            f"{name} ({user.email})" if name and user.email else (name or user.email or str(user))
        )


class ReassignForm(TextGuardMixin, forms.Form):
    account_manager = StaffChoiceField(
        queryset=selectors.account_staff_users(), label=_("Account manager")
    )


class DecisionForm(TextGuardMixin, forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("decline", _("Decline"))],
        error_messages={"required": _("Choose approve or decline.")},
        widget=forms.HiddenInput,
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )


AMOUNT_ERRORS = {
    "required": _("Enter the amount, e.g. 1250.00."),
    "invalid": _("Enter the amount as a number, e.g. 1250.00 (digits and one decimal point)."),
    "min_value": _("Enter an amount greater than zero, e.g. 1250.00."),
    "max_decimal_places": _("Enter the amount with at most two decimal places."),
    "max_digits": _("That amount is too large: at most 999,999,999,999.99."),
}

CREDIT_ACTIONS = ("settings", "payment", "credit_note", "hold_override")


class CreditActionForm(forms.Form):
    """Which of the credit page's forms was sent."""

    action = forms.ChoiceField(
        choices=[(action, action) for action in CREDIT_ACTIONS],
        error_messages={
            "required": _("Choose what to record: a payment, a credit note or a hold."),
            "invalid_choice": _("Choose what to record: a payment, a credit note or a hold."),
        },
    )


class LedgerCreditForm(TextGuardMixin, forms.Form):
    """A payment received or a credit note, as staff record it."""

    amount = forms.DecimalField(
        label=_("Amount"), max_digits=14, decimal_places=2, min_value=Decimal("0.01"),
        error_messages=AMOUNT_ERRORS,
    )  # fmt: skip
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
    until = forms.DateField(label=_("Lift the hold until (inclusive)"), widget=DateInput())


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
