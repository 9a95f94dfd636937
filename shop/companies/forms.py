from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from shop.companies.models import COUNTRY_CHOICES, CompanyAddress, CompanyMember
from shop.companies.vat import vat_number_check
from shop.validators import TextGuardMixin


class ApplicationForm(TextGuardMixin, forms.Form):
    legal_name = forms.CharField(label=_("Legal name"), max_length=200)
    trading_name = forms.CharField(label=_("Trading name"), max_length=200, required=False)
    country = forms.ChoiceField(label=_("Country"), choices=COUNTRY_CHOICES, initial="DE")
    vat_number = forms.CharField(
        label=_("VAT number"), max_length=32, help_text=_("With or without the country prefix.")
    )
    phone = forms.CharField(label=_("Company phone"), max_length=40, required=False)
    billing_line1 = forms.CharField(label=_("Street and number"), max_length=200)
    billing_line2 = forms.CharField(label=_("Address line 2"), max_length=200, required=False)
    billing_postcode = forms.CharField(label=_("Postcode"), max_length=16)
    billing_city = forms.CharField(label=_("City"), max_length=100)
    contact_name = forms.CharField(label=_("Contact person"), max_length=120)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40)
    message = forms.CharField(
        label=_("What do you need from us?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("country") and data.get("vat_number"):
            result = vat_number_check(country=data["country"], number=data["vat_number"])
            if not result.is_valid:
                self.add_error("vat_number", result.error)
            else:
                data["vat_number"] = result.number
        return data


class InviteForm(TextGuardMixin, forms.Form):
    email = forms.EmailField(label=_("Colleague's email"))
    role = forms.ChoiceField(
        label=_("Role"), choices=CompanyMember.Role.choices, initial=CompanyMember.Role.BUYER
    )


class RoleForm(TextGuardMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=CompanyMember.Role.choices)


class LimitsForm(TextGuardMixin, forms.Form):
    order_limit = forms.DecimalField(
        label=_("Limit per order"), min_value=0, max_digits=12, decimal_places=2, required=False,
        help_text=_("Orders above this total go to an approver. Leave empty for no limit."),
    )  # fmt: skip
    period = forms.ChoiceField(label=_("Spending period"), choices=CompanyMember.Period.choices)
    period_limit = forms.DecimalField(
        label=_("Limit per period"), min_value=0, max_digits=12, decimal_places=2, required=False
    )


class AddressForm(TextGuardMixin, forms.ModelForm):
    class Meta:
        model = CompanyAddress
        fields = ["kind", "label", "line1", "line2", "postcode", "city", "country", "is_default"]


class JoinAsNewUserForm(TextGuardMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Password (again)"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        elif data.get("password1"):
            try:
                password_validation.validate_password(data["password1"])
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data
