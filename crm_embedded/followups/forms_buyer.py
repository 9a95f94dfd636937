"""The buyer's follow-up forms: the opt-out link's confirm button and the account setting."""

from django import forms
from django.utils.translation import gettext_lazy as _


class OptOutForm(forms.Form):
    """The opt-out page's one button: out, or back in after a change of mind."""

    action = forms.ChoiceField(
        choices=[("out", _("No more reminders")), ("in", _("Send me reminders again"))],
        error_messages={
            "required": _("Choose one of the buttons."),
            "invalid_choice": _("Choose one of the buttons."),
        },
    )


class PreferencesForm(forms.Form):
    reminders = forms.BooleanField(
        required=False,
        label=_("Send me reminders about carts and offers I left open"),
        help_text=_(
            "An email with the cart's lines and a link that puts them back in your basket. "
            "Your account manager may still call you about them."
        ),
    )
