"""The reports' filters: a period (both days included) and, for sales managers, a rep."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shop.widgets import DateInput

# Far enough back for any history, near enough that a typo (year 0206) is caught.
MAX_PERIOD_DAYS = 366 * 5


class ReportFilterForm(forms.Form):
    """Start and end day of the period (none: each report's standard period) and a rep."""

    start = forms.DateField(
        required=False, label=pgettext_lazy("start date", "From"), widget=DateInput()
    )
    end = forms.DateField(required=False, label=pgettext_lazy("end date", "To"), widget=DateInput())
    rep = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Account manager"), empty_label=_("Everyone")
    )

    def __init__(self, *args, reps=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and self.data.get("rep") == "all":
            # The cockpit's "all reps" (?rep=all) is this form's "Everyone".
            self.data = self.data.copy()
            self.data["rep"] = ""
        if reps is None:
            del self.fields["rep"]  # an account manager's reports are their own
        else:
            self.fields["rep"].queryset = reps
            self.fields["rep"].label_from_instance = lambda u: u.get_full_name() or u.email
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] = "form-control is-invalid"

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if "start" in self.errors or "end" in self.errors:
            return cleaned
        if bool(start) != bool(end):
            missing = "end" if start else "start"
            self.add_error(
                missing,
                _("Give both days of the period, or neither for each report's standard period."),
            )
        elif start and end and end < start:
            self.add_error("end", _("The end date is before the start date."))
        elif start and end and (end - start).days > MAX_PERIOD_DAYS:
            self.add_error("start", _("Pick a period of at most five years."))
        return cleaned

    @property
    def period(self):
        """The (start, end) picked, or None for each report's standard period."""
        if self.is_bound and self.is_valid() and self.cleaned_data.get("start"):
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return None
