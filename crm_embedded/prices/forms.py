"""Input for price-list authoring: a list's header, one entry, an import, a copy, a price check."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from shop.companies import selectors as company_selectors
from shop.pricing import selectors
from shop.pricing.services import CSV_COLUMNS
from shop.validators import TextGuardMixin
from shop.widgets import DateInput


class PriceListForm(TextGuardMixin, forms.Form):
    """A list's header: whose it is (one company or a customer group) and when it applies."""

    name = forms.CharField(label=_("Name"), max_length=120)
    company = forms.ModelChoiceField(
        label=_("Company"), queryset=None, required=False,
        help_text=_("Set for a contract with one company."),
    )  # fmt: skip
    customer_group = forms.ModelChoiceField(
        label=_("Customer group"), queryset=None, required=False,
        help_text=_("Set for a list that applies to a whole segment."),
    )  # fmt: skip
    currency = forms.RegexField(
        label=_("Currency"), regex=r"^[A-Z]{3}$", max_length=3, initial="EUR",
        error_messages={"invalid": _("Enter a three-letter currency code in capitals, e.g. EUR.")},
    )  # fmt: skip
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DateInput())
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=DateInput(),
        help_text=_("The last day it applies."),
    )  # fmt: skip
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, user, price_list=None, **kwargs):
        if price_list is not None:
            kwargs.setdefault("initial", {
                "name": price_list.name, "company": price_list.company_id,
                "customer_group": price_list.customer_group_id, "currency": price_list.currency,
                "valid_from": price_list.valid_from, "valid_until": price_list.valid_until,
                "is_active": price_list.is_active,
            })  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = company_selectors.companies_for_staff(user=user)
        self.fields["customer_group"].queryset = selectors.price_list_customer_groups(user=user)
        if not company_selectors.user_is_sales_manager(user=user):
            self.fields["customer_group"].help_text = _("Group lists are kept by sales managers.")


class EntryForm(TextGuardMixin, forms.Form):
    sku = forms.CharField(required=False, max_length=64)
    category = forms.CharField(
        required=False, max_length=255, help_text=_("e.g. Automotive spare parts > Filters")
    )
    kind = forms.ChoiceField(
        choices=[("fixed", _("Fixed unit price")), ("percent", _("Percent off list"))]
    )
    value = forms.CharField(max_length=20)
    min_quantity = forms.IntegerField(min_value=1, initial=1)
    min_order_quantity = forms.IntegerField(min_value=1, required=False)
    order_multiple = forms.IntegerField(min_value=1, required=False)


class ImportForm(TextGuardMixin, forms.Form):
    MODES = [
        ("check", _("Check only")),
        ("all", _("Apply if every line is valid")),
        ("valid", _("Apply the valid lines only")),
    ]
    file = forms.FileField(
        help_text=format_lazy(_("CSV with the columns {columns}"), columns=", ".join(CSV_COLUMNS))
    )
    mode = forms.ChoiceField(choices=MODES, initial="check", widget=forms.RadioSelect)


class CopyForm(TextGuardMixin, forms.Form):
    name = forms.CharField(max_length=120)
    valid_from = forms.DateField(required=False, widget=DateInput(), label=_("Valid from"))
    valid_until = forms.DateField(
        required=False, widget=DateInput(), label=_("Valid until"),
        help_text=_("The last day the copy applies."),
    )  # fmt: skip


class PriceCheckForm(TextGuardMixin, forms.Form):
    """A SKU and a quantity to explain a company's price for (a GET form)."""

    sku = forms.CharField(label=_("SKU"), max_length=64)
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=1, max_value=10**7 - 1, required=False, initial=1,
        error_messages={"invalid": _("Enter a whole number of pieces, e.g. 10.")},
    )  # fmt: skip
