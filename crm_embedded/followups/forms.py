"""Input of the account team's follow-up pages: the rules (sales managers) and the list's filters."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms import modelformset_factory
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm_embedded.followups.models import FollowUp, FollowUpRule
from shop.companies.selectors import account_staff_users
from shop.validators import TextGuardMixin
from shop.widgets import DateInput

RULE_FIELDS = (
    "active",
    "threshold_hours",
    "threshold_days",
    "email_buyer",
    "stage2_after_days",
    "task_min_value",
    "task_after_stage2",
    "lookback_days",
)
Kind = FollowUpRule.Kind
# What each kind of rule uses (crm_embedded/followups/detect.py, services.py), with the
# label and help that say what the number means for that kind. Other fields stay off the form.
_EMAIL = {
    "email_buyer": (
        _("Email the buyer"),
        _("At stage 1 and for the reminder; off: only a task, from the value below."),
    ),
    "stage2_after_days": (
        _("Reminder after (days)"),
        _("Days between the first email and the reminder (stage 2)."),
    ),
    "task_min_value": (
        _("Task at stage 1 from (EUR net)"),
        _("Items worth this much also get a task for the account manager at stage 1."),
    ),
    "task_after_stage2": (
        _("Task after the reminder"),
        _("File a task for the account manager once the reminder is sent."),
    ),
}
RULE_FIELDS_BY_KIND: dict[str, dict[str, tuple]] = {
    Kind.IDLE_BASKET: {
        "threshold_hours": (
            _("Hours idle before stage 1"),
            _("A cart untouched this long gets the first email."),
        ),
        **_EMAIL,
        "lookback_days": (
            _("Ignore carts idle for more than (days)"),
            _("Older carts are left alone."),
        ),
    },
    Kind.OFFER_EXPIRING: {
        "threshold_days": (
            _("Email when the offer expires within (days)"),
            _("Counted from today; the reminder comes at the latest the day before expiry."),
        ),
        **_EMAIL,
    },
    Kind.QUOTE_NOT_ORDERED: {
        "threshold_days": (
            _("Email when accepted this many days ago"),
            _("An accepted quote not ordered this long after acceptance gets the first email."),
        ),
        **_EMAIL,
        "lookback_days": (
            _("Ignore quotes accepted more than (days) ago"),
            _("Older accepted quotes are left alone."),
        ),
    },
    Kind.APPROVAL_PENDING: {
        "threshold_hours": (
            _("Hours pending before stage 1"),
            _("An approval pending this long: the people who may decide get the first email."),
        ),
        **_EMAIL,
        "email_buyer": (
            _("Email the deciders"),
            _("At stage 1 and for the reminder; off: only a task, from the value below."),
        ),
        "lookback_days": (
            _("Ignore requests older than (days)"),
            _("Older approval requests are left alone."),
        ),
    },
    Kind.REORDER_LAPSED: {
        "threshold_days": (
            _("Cycle length (days)"),
            _(
                "A product ordered in three cycles in a row and in none of the last two is a "
                "lapsed reorder. No email: the account manager gets a task."
            ),
        ),
        "task_min_value": (
            _("Task from (EUR net)"),
            _("Lapsed reorders worth less than this are not reported."),
        ),
    },
}


def rule_fields(kind: str) -> dict[str, tuple]:
    """``{field: (label, help)}`` of the fields a rule of this kind uses, ``active`` first."""
    used = RULE_FIELDS_BY_KIND.get(kind, {})
    return {"active": (_("Active"), "")} | {
        name: used[name] for name in RULE_FIELDS if name in used
    }


# Far enough back for any history, near enough that a typo (year 0206) is caught.
MAX_PERIOD_DAYS = 366 * 5
ALL = "all"
UNKNOWN_ACCOUNT = _("That account does not exist or is not one of yours.")


def _limits(name: str) -> tuple[int, int]:
    """The model field's allowed range (its Min/MaxValueValidator), for the form's message."""
    validators = FollowUpRule._meta.get_field(name).validators
    low = max(v.limit_value for v in validators if isinstance(v, MinValueValidator))
    high = min(v.limit_value for v in validators if isinstance(v, MaxValueValidator))
    return low, high


class FollowUpRuleForm(TextGuardMixin, forms.ModelForm):
    """One rule's switches and thresholds; every number says its allowed range when refused."""

    class Meta:
        model = FollowUpRule
        fields = RULE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.kind in RULE_FIELDS_BY_KIND:
            # A field the engine ignores for this kind is neither shown nor saved.
            used = rule_fields(self.instance.kind)
            for name in list(self.fields):
                if name in RULE_FIELDS and name not in used:
                    del self.fields[name]
                elif name in used:
                    self.fields[name].label, self.fields[name].help_text = used[name]
        for name, field in self.fields.items():
            if isinstance(field, forms.IntegerField) and not isinstance(field, forms.DecimalField):
                low, high = _limits(name)
                message = _("Enter a whole number from %(low)s to %(high)s.") % {
                    "low": low,
                    "high": high,
                }
                field.error_messages.update(required=message, invalid=message)
                # Only the range message: not also the field's own "greater than or equal to 0".
                field.min_value, field.max_value = low, high
                field.validators = [
                    validator
                    for validator in field.validators
                    if not isinstance(validator, MinValueValidator | MaxValueValidator)
                ] + [
                    MinValueValidator(low, message=message),
                    MaxValueValidator(high, message=message),
                ]
                field.widget.attrs.update(min=low, max=high)
            elif isinstance(field, forms.DecimalField):
                field.error_messages.update(
                    required=_("Enter an amount in EUR, 0 or more (e.g. 1000 or 1000.50)."),
                    invalid=_("Enter an amount in EUR, 0 or more (e.g. 1000 or 1000.50)."),
                    min_value=_("The amount cannot be negative: enter 0 or more."),
                    max_digits=_("Enter an amount below 10,000,000,000 EUR."),
                    max_whole_digits=_("Enter an amount below 10,000,000,000 EUR."),
                    max_decimal_places=_("Enter at most two decimal places (cents)."),
                )
            if not isinstance(field, forms.BooleanField):
                field.widget.attrs["class"] = "form-control form-control-sm"

    def full_clean(self):
        super().full_clean()
        if self.is_bound:
            for name in self.errors:
                if name in self.fields and not isinstance(self.fields[name], forms.BooleanField):
                    self.fields[name].widget.attrs["class"] = (
                        "form-control form-control-sm is-invalid"
                    )

    def clean(self):
        cleaned = super().clean()
        hours, lookback = cleaned.get("threshold_hours"), cleaned.get("lookback_days")
        kind = self.instance.kind
        if (
            kind in (FollowUpRule.Kind.IDLE_BASKET, FollowUpRule.Kind.APPROVAL_PENDING)
            and hours
            and lookback
            and hours >= lookback * 24
        ):
            self.add_error(
                "lookback_days",
                _(
                    "Items are ignored after %(days)s days but only become a follow-up after "
                    "%(hours)s hours, so this rule would never act: raise the days or lower "
                    "the hours."
                )
                % {"days": lookback, "hours": hours},
            )
        return cleaned


FollowUpRuleFormSet = modelformset_factory(
    FollowUpRule, form=FollowUpRuleForm, extra=0, can_delete=False, edit_only=True
)


class FollowUpFilterForm(TextGuardMixin, forms.Form):
    """The follow-up list's filters (GET): kind, stage, status, a period and, for sales
    managers, a rep (``?rep=<user id>`` or ``?rep=all``, like the cockpit)."""

    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any"))] + FollowUpRule.Kind.choices
    )
    stage = forms.TypedChoiceField(
        label=_("Stage"), required=False, coerce=int, empty_value=None,
        choices=[("", _("Any"))] + FollowUp.Stage.choices,
    )  # fmt: skip
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any"))] + FollowUp.Status.choices
    )
    start = forms.DateField(
        required=False, label=pgettext_lazy("start date", "From"), widget=DateInput()
    )
    end = forms.DateField(required=False, label=pgettext_lazy("end date", "To"), widget=DateInput())
    rep = forms.ChoiceField(
        label=_("Account manager"),
        required=False,
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a member of the account team: pick a rep from the list, "
                "or “All reps”."
            )
        },
    )
    company = forms.IntegerField(
        required=False,
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": UNKNOWN_ACCOUNT,
            "min_value": UNKNOWN_ACCOUNT,
            "max_value": UNKNOWN_ACCOUNT,
        },
    )

    def __init__(self, *args, with_rep: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_rep:
            self.fields["rep"].choices = [(ALL, _("All reps"))] + [
                (str(user.pk), user.get_full_name() or user.email) for user in account_staff_users()
            ]
        else:
            del self.fields["rep"]  # an account manager's follow-ups are those of their accounts
        for field in self.fields.values():
            if not field.widget.is_hidden:
                field.widget.attrs["class"] = "form-control form-control-sm"

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date is before the start date."))
        elif start and end and (end - start).days > MAX_PERIOD_DAYS:
            self.add_error("start", _("Pick a period of at most five years."))
        return cleaned

    def rep_id(self) -> int | None:
        """The chosen rep's user id, or None for all reps (call after ``is_valid``)."""
        value = self.cleaned_data.get("rep") or ALL
        return None if value == ALL else int(value)
