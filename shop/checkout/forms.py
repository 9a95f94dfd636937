"""Checkout forms of our own; Oscar's (loaded with get_class) stay where they are."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from oscar.apps.checkout.forms import ShippingAddressForm as OscarShippingAddressForm

from shop.companies.models import CompanyAddress
from shop.validators import TextGuardMixin


class CompanyAddressLabel(forms.ModelChoiceField):
    def label_from_instance(self, obj: CompanyAddress) -> str:
        return f"{obj.label}: {obj.line1}, {obj.postcode} {obj.city}, {obj.get_country_display()}"


class CompanyShippingAddressForm(forms.Form):
    """The buyer picks one of the company's delivery addresses (its address book)."""

    company_address = CompanyAddressLabel(
        queryset=CompanyAddress.objects.none(),
        widget=forms.RadioSelect,
        label=_("Deliver to"),
        empty_label=None,
        error_messages={
            "required": _("Choose one of your company's delivery addresses."),
            "invalid_choice": _(
                "That address is not in your company's address book: choose one of the "
                "addresses listed."
            ),
        },
    )

    def __init__(self, *args, addresses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company_address"].queryset = addresses


class PurchaseOrderForm(TextGuardMixin, forms.Form):
    """The buyer's own purchase order number, printed on the order and its documents."""

    purchase_order_number = forms.CharField(
        label=_("Your purchase order number"),
        required=False,
        max_length=64,
        help_text=_("Optional. We print it on the order confirmation and the invoice."),
        validators=[
            RegexValidator(
                r"^[\w][\w\-/.#: ]*$",
                message=_(
                    "Use letters, digits, spaces and the characters - / . # : only, starting "
                    "with a letter or digit."
                ),
            )
        ],
    )

    def __init__(self, *args, po_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if po_required:
            field = self.fields["purchase_order_number"]
            field.required = True
            field.help_text = _(
                "Required by your company for every order. We print it on the order "
                "confirmation and the invoice."
            )
            field.error_messages["required"] = _(
                "Your company requires a purchase order number on every order: enter yours."
            )


class ShippingAddressForm(TextGuardMixin, OscarShippingAddressForm):
    """Oscar's typed-in delivery address; names and lines refuse control characters."""
