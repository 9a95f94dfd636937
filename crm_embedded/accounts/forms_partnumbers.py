"""The account team's part-number forms: the customer's number, in the team's words.

The storefront's forms say "your part number" to the buyer; what happens with a valid form
is shared, in ``shop.partnumbers.services``.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from shop.partnumbers.services import IMPORT_MODES, MAX_LENGTH
from shop.validators import TextGuardMixin


class PartNumberForm(TextGuardMixin, forms.Form):
    # A little longer than allowed, so that the service says how long it was.
    part_number = forms.CharField(label=_("Customer part number"), max_length=MAX_LENGTH + 100)
    sku = forms.CharField(label=_("Our SKU"), max_length=128)


class PartNumberImportForm(TextGuardMixin, forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("Two columns: the customer's part number, then our SKU."),
    )
    mode = forms.ChoiceField(
        label=_("How to import"),
        choices=IMPORT_MODES,
        initial="all",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )


class SearchForm(TextGuardMixin, forms.Form):
    q = forms.CharField(required=False, max_length=100)
