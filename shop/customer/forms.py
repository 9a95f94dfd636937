from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from oscar.apps.address.forms import UserAddressForm as OscarUserAddressForm
from oscar.apps.customer.forms import *  # noqa: F403
from oscar.apps.customer.forms import UserForm

from orders import states as order_states
from shop.validators import TextGuardMixin

User = get_user_model()


class ProfileForm(TextGuardMixin, UserForm):
    """Name fields only: email addresses are changed and verified through allauth."""

    class Meta(UserForm.Meta):
        fields = ["first_name", "last_name"]


class UserAddressForm(TextGuardMixin, OscarUserAddressForm):
    """Oscar's address book form; names and address lines refuse control characters."""


class OrderFilterForm(TextGuardMixin, forms.Form):
    """Filters and search over the company's order list; dates are inclusive calendar dates."""

    q = forms.CharField(
        required=False,
        max_length=100,
        label=_("Search"),
        help_text=_("Order number, PO number, quote reference, SKU or product title"),
    )
    status = forms.ChoiceField(required=False, label=_("Status"))
    date_from = forms.DateField(
        required=False,
        label=pgettext_lazy("start date", "From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        required=False,
        label=pgettext_lazy("end date", "To"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    buyer = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, label=_("Buyer"), empty_label=_("Anyone")
    )
    po_number = forms.CharField(required=False, max_length=64, label=_("PO number"))
    sku = forms.CharField(required=False, max_length=128, label=_("SKU"))

    FILTER_FIELDS = ("q", "status", "date_from", "date_to", "buyer", "po_number", "sku")

    def __init__(self, *args, company=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status"))] + [
            (stored, order_states.NAMES[stored]) for stored in order_states.STATUSES
        ]
        if company is None:
            del self.fields["buyer"]  # a buyer without a company only sees their own orders
        else:
            self.fields["buyer"].queryset = User.objects.filter(
                company_memberships__company=company
            ).order_by("first_name", "last_name", "email")
            self.fields["buyer"].label_from_instance = lambda u: u.get_full_name() or u.email

        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] = "form-control is-invalid"

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    @property
    def is_filtering(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.FILTER_FIELDS)

    def filters(self) -> dict:
        """The cleaned filters, empty values left out (call after is_valid())."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if value not in (None, "") and name in self.FILTER_FIELDS
        }
