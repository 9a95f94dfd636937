"""Input of the activities room: log an activity, comment on it, filter the list."""

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm_embedded.activities.models import Activity, ActivityComment
from crm_embedded.activities.services import (
    FUTURE_TOLERANCE,
    ActivityError,
    activity_links_check,
)
from crm_embedded.contacts.models import Contact
from crm_embedded.pipeline.models import Opportunity
from crm_embedded.quotes.models import Quote
from shop.companies.selectors import companies_for_staff
from shop.validators import TextGuardMixin
from shop.widgets import DateInput

LINKS = ("contact", "quote", "opportunity")


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's date-and-time picker, fed the ISO value it expects."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class ActivityForm(TextGuardMixin, forms.Form):
    """Log an activity for a company, optionally about one of its contacts, quotes or deals.

    ``company`` fixes the company (a hidden field, as on the company page); else ``user``
    picks among the companies they may see. The contact, quote and opportunity lists show
    the chosen company's; one of another company is refused with a message saying so.
    """

    company = forms.ModelChoiceField(queryset=None, label=_("Company"))
    kind = forms.ChoiceField(choices=Activity.Kind.choices, initial=Activity.Kind.CALL,
                             label=_("Kind"))  # fmt: skip
    subject = forms.CharField(max_length=200, label=_("Subject"))
    body = forms.CharField(
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=_("Details"),
        help_text=_('Mention a colleague with @ and their email name (@anna.berg) or their '
                    'full name in quotes (@"Anna Berg"): they get an email.'),
    )  # fmt: skip
    occurred_at = forms.DateTimeField(widget=DateTimeLocalInput(), label=_("When"))
    contact = forms.ModelChoiceField(queryset=None, required=False, label=_("Contact"),
                                     empty_label=_("— nobody in particular —"))  # fmt: skip
    quote = forms.ModelChoiceField(queryset=None, required=False, label=_("Quote"),
                                   empty_label=_("— no quote —"))  # fmt: skip
    opportunity = forms.ModelChoiceField(queryset=None, required=False, label=_("Opportunity"),
                                         empty_label=_("— no opportunity —"))  # fmt: skip

    def __init__(self, data=None, *, company=None, user=None, initial=None, now=None, **kwargs):
        self.now = now or timezone.now()
        initial = {"occurred_at": self.now.replace(second=0, microsecond=0), **(initial or {})}
        if company is not None:
            initial["company"] = company.pk
        super().__init__(data, initial=initial, **kwargs)
        if user is not None:
            companies = companies_for_staff(user=user).order_by("legal_name")
        else:
            companies = type(company).objects.filter(pk=company.pk)
        self.fields["company"].queryset = companies
        if company is not None:
            self.fields["company"].widget = forms.HiddenInput()
        self.company = company or self._chosen_company(companies)
        # Validation accepts any linked object of a visible company (so that a mismatch gets
        # its own message in clean()); the lists offer only the chosen company's.
        scopes = {
            "contact": Contact.objects.filter(is_active=True).select_related("company"),
            "quote": Quote.objects.select_related("company"),
            "opportunity": Opportunity.objects.select_related("company"),
        }
        for name, queryset in scopes.items():
            field = self.fields[name]
            field.queryset = queryset.filter(company__in=companies.values("pk"))
            own = queryset.filter(company=self.company) if self.company else queryset.none()
            field.widget.choices = [("", field.empty_label)] + [
                (obj.pk, self._label(name, obj)) for obj in own
            ]

    def _chosen_company(self, companies):
        value = self.data.get(self.add_prefix("company")) if self.is_bound else None
        value = value or self.initial.get("company")
        if not value:
            return None
        try:
            return companies.filter(pk=int(value)).first()
        except (TypeError, ValueError):
            return None

    @staticmethod
    def _label(name: str, obj) -> str:
        if name == "contact":
            return f"{obj.full_name} ({obj.role})" if obj.role else obj.full_name
        if name == "quote":
            return f"{obj.number} · {obj.staff_state}"
        return str(obj)

    def clean_occurred_at(self) -> datetime:
        value = self.cleaned_data["occurred_at"]
        if value > self.now + FUTURE_TOLERANCE:
            raise forms.ValidationError(
                _("This time is in the future: log what has happened (a task is for what is "
                  "planned)."),
            )  # fmt: skip
        return value

    def clean(self):
        data = super().clean()
        company = data.get("company")
        if company is not None:
            try:
                activity_links_check(company=company, **{name: data.get(name) for name in LINKS})
            except ActivityError as exc:
                self.add_error(exc.field, exc.message)
        return data


class CommentForm(TextGuardMixin, forms.Form):
    """A comment on an activity, or a reply to one of its comments (``parent``)."""

    body = forms.CharField(
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Comment"),
        help_text=_(
            '@anna.berg or @"Anna Berg" notifies a colleague who looks after this account.'
        ),
    )
    parent = forms.ModelChoiceField(
        queryset=ActivityComment.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, data=None, *, activity: Activity, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["parent"].queryset = activity.comments.all()
        self.fields["parent"].error_messages["invalid_choice"] = _(
            "The comment you replied to is not in this thread: reply from this page again."
        )


class ActivityFilterForm(TextGuardMixin, forms.Form):
    """The activity list's filters (every one optional)."""

    q = forms.CharField(required=False, max_length=100, label=_("Search"))
    company = forms.ModelChoiceField(queryset=None, required=False, label=_("Company"),
                                     empty_label=_("All companies"))  # fmt: skip
    kind = forms.ChoiceField(required=False, label=_("Kind"),
                             choices=[("", _("All kinds")), *Activity.Kind.choices])  # fmt: skip
    mine = forms.BooleanField(required=False, label=_("Logged by me"))
    start = forms.DateField(
        required=False, widget=DateInput(), label=pgettext_lazy("start date", "From")
    )
    end = forms.DateField(required=False, widget=DateInput(), label=pgettext_lazy("end date", "To"))
    contact = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    quote = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    opportunity = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["company"].queryset = companies_for_staff(user=user).order_by("legal_name")
        for field in self.visible_fields():
            if not isinstance(field.field.widget, forms.CheckboxInput):
                field.field.widget.attrs["class"] = "form-control form-control-sm"
        self.fields["q"].widget.attrs["placeholder"] = _("Subject or details")

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("“To” is before “From”: swap the two dates."))
        return data
