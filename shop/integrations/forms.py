from django import forms
from django.utils.translation import gettext_lazy as _

from shop.integrations.models import Scope
from shop.validators import TextGuardMixin


class TokenCreateForm(TextGuardMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Who or what uses the token, e.g. “ERP production”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Give each integration only what it needs."),
    )
