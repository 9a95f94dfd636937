from django import forms
from django.utils.translation import gettext_lazy as _

from shop.validators import TextGuardMixin

MAX_QUERY_LENGTH = 100


class SiteSearchForm(TextGuardMixin, forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "max_length": _(
                "Search for at most %(limit_value)d characters (you typed %(show_value)d): "
                "a part number or a few words work best."
            )
        },
    )

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())
