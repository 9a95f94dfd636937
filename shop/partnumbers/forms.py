from django import forms
from django.utils.translation import gettext_lazy as _

from shop.partnumbers.services import IMPORT_MODES, MAX_LENGTH
from shop.validators import TextGuardMixin


class PartNumberForm(TextGuardMixin, forms.Form):
    # A little longer than allowed, so that the service says how long it was.
    part_number = forms.CharField(
        label=_("Your part number"),
        max_length=MAX_LENGTH + 100,
        help_text=_(
            "As your own system knows the product; dashes, dots and spaces are ignored when you type it."
        ),
    )
    sku = forms.CharField(label=_("Our SKU"), max_length=128)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part_number"].widget.attrs["maxlength"] = MAX_LENGTH


class ImportForm(TextGuardMixin, forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_(
            "Two columns: your part number, then our SKU (a first line naming them part_number "
            "and sku is fine). A product's existing part number is replaced."
        ),
    )
    mode = forms.ChoiceField(
        label=_("How to import"),
        choices=IMPORT_MODES,
        initial="all",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )


class SearchForm(TextGuardMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
