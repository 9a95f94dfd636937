from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.validators import TextGuardMixin
from shop.widgets import DateInput


class RequestForm(TextGuardMixin, forms.Form):
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        label=_("Note for your account manager"),
    )
    needed_by = forms.DateField(required=False, widget=DateInput(), label=_("Needed by"))
    delivery_address = forms.ChoiceField(required=False, label=_("Deliver to"))

    def __init__(self, *args, addresses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivery_address"].choices = [("", _("— our default address —"))] + [
            (str(a.pk), str(a)) for a in addresses
        ]

    def clean_needed_by(self):
        value = self.cleaned_data.get("needed_by")
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("This date is in the past: choose a later one."))
        return value


class MessageForm(TextGuardMixin, forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, label=_("Message")
    )
    line = forms.IntegerField(required=False, widget=forms.HiddenInput)


class TermsForm(TextGuardMixin, forms.Form):
    valid_until = forms.DateField(required=False, widget=DateInput(), label=_("Valid until"))
    terms = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, label=_("Terms")
    )


class ApprovalDecisionForm(TextGuardMixin, forms.Form):
    """A sales manager's answer to an approval request; a refusal says why."""

    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))], widget=forms.HiddenInput
    )
    reason = forms.CharField(
        required=False, max_length=1000, label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and not (data.get("reason") or "").strip():
            self.add_error(
                "reason", _("Say why you refuse: the account manager reads it to change the offer.")
            )
        return data
