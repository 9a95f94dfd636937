"""Input of the pipeline room: opportunities, moves, the list's filters and the stage settings."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from crm_embedded.pipeline.models import Stage
from crm_embedded.quotes.selectors import quotes_for_staff
from shop.companies.selectors import (
    ACCOUNT_MANAGERS_GROUP,
    SALES_MANAGERS_GROUP,
    companies_for_staff,
)
from shop.validators import TextGuardMixin
from shop.widgets import DateInput

_SPACES = re.compile(r"[\s\u00a0\u202f_']")
_LETTERS = re.compile(r"[^\d.,+-]")


def staff_users():
    """Active account and sales managers, by name: the people who may own an opportunity."""
    return (
        get_user_model()
        .objects.filter(
            groups__name__in=[ACCOUNT_MANAGERS_GROUP, SALES_MANAGERS_GROUP], is_active=True
        )
        .distinct()
        .order_by("first_name", "last_name", "email")
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name().strip() or user.email or str(user)


class QuoteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, quote) -> str:
        return f"{quote.number} ({quote.company.legal_name})"


class AmountField(forms.DecimalField):
    """An amount as people type it: 12500, 12 500, 12500.50 or 12500,50; never letters or < 0."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", None)
        super().__init__(**kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = _SPACES.sub("", str(value))
        if _LETTERS.search(text):
            raise ValidationError(
                _(
                    "The amount may only hold digits and one decimal separator, no letters or "
                    "currency signs: type it like 12500 or 12500.50."
                ),
                code="letters",
            )
        if "," in text and "." in text:
            text = text.replace(",", "")  # 12,500.50: the comma groups thousands
        elif text.count(",") == 1 and len(text.split(",")[1]) <= 2:
            text = text.replace(",", ".")  # 12500,50: a decimal comma
        else:
            text = text.replace(",", "")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValidationError(
                _("Type the amount as a number, such as 12500 or 12500.50."), code="invalid"
            ) from None
        if amount < 0:
            raise ValidationError(
                _("The amount cannot be negative: type 0 or more."), code="negative"
            )
        return amount


class OpportunityForm(TextGuardMixin, forms.Form):
    """A new opportunity (with company and stage) or an edit (without them)."""

    company = forms.ModelChoiceField(queryset=None, label=_("Company"))
    name = forms.CharField(label=_("Name"), max_length=200)
    amount = AmountField(label=_("Amount (EUR, net)"))
    stage = forms.ModelChoiceField(queryset=None, label=_("Stage"))
    probability = forms.IntegerField(
        label=_("Probability (%)"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Leave empty to follow the stage's probability."),
    )
    expected_close = forms.DateField(
        label=_("Expected close date"), required=False, widget=DateInput()
    )
    owner = StaffChoiceField(queryset=None, label=_("Owner"))
    quote = QuoteChoiceField(queryset=None, label=_("Quote"), required=False)

    def __init__(self, *args, user, opportunity=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_users()
        quotes = quotes_for_staff(user=user).order_by("-created_at")
        if opportunity is not None:
            del self.fields["company"], self.fields["stage"]
            self.fields["quote"].queryset = quotes.filter(company=opportunity.company)
        else:
            self.fields["company"].queryset = companies_for_staff(user=user).order_by("legal_name")
            self.fields["stage"].queryset = Stage.objects.filter(
                kind=Stage.Kind.OPEN, is_active=True
            )
            self.fields["quote"].queryset = quotes


class MoveForm(TextGuardMixin, forms.Form):
    """A move on the board or the detail page: to a stage, or an outcome (won, lost + reason)."""

    OUTCOMES = (("won", _("Won")), ("lost", _("Lost")))

    stage = forms.ModelChoiceField(
        queryset=Stage.objects.filter(is_active=True), required=False, label=_("Move to")
    )
    outcome = forms.ChoiceField(choices=OUTCOMES, required=False)
    lost_reason = forms.CharField(label=_("Why was it lost?"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        stage, outcome = data.get("stage"), data.get("outcome")
        if outcome:
            stage = Stage.objects.filter(kind=outcome, is_active=True).first()
            if stage is None:
                raise ValidationError(_("No stage for this outcome is switched on."))
        if stage is None and not self.errors:
            self.add_error("stage", _("Choose the stage to move the opportunity to."))
        data["target"] = stage
        return data


class OpportunityFilterForm(TextGuardMixin, forms.Form):
    STATUSES = (
        ("open", _("Open")),
        ("won", _("Won")),
        ("lost", _("Lost")),
        ("all", _("All")),
    )

    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), choices=STATUSES, required=False)
    owner = StaffChoiceField(queryset=None, label=_("Owner"), required=False, empty_label=_("Any"))
    stage = forms.ModelChoiceField(
        queryset=Stage.objects.all(), label=_("Stage"), required=False, empty_label=_("Any")
    )
    company = forms.ModelChoiceField(
        queryset=None, label=_("Company"), required=False, empty_label=_("Any")
    )
    close_from = forms.DateField(label=_("Expected close from"), required=False, widget=DateInput())
    close_to = forms.DateField(label=_("to"), required=False, widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_users()
        self.fields["company"].queryset = companies_for_staff(user=user).order_by("legal_name")
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")

    def clean(self):
        data = super().clean()
        start, end = data.get("close_from"), data.get("close_to")
        if start and end and start > end:
            self.add_error("close_to", _("The end date lies before the start date: swap them."))
        return data


class StageForm(TextGuardMixin, forms.Form):
    """One row of the stage settings; a row without ``stage_id`` adds a new open stage."""

    stage_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Name"), max_length=60, required=False)
    position = forms.IntegerField(label=_("Order"), min_value=0, max_value=32767, initial=50)
    probability = forms.IntegerField(label=_("Probability (%)"), min_value=0, max_value=100)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def clean(self):
        data = super().clean()
        if not (data.get("name") or "").strip():
            self.add_error("name", _("Every stage needs a name."))
        return data


StageFormSet = forms.formset_factory(StageForm, extra=1)
