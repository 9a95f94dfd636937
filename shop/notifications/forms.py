"""Forms of the notification pages: a buyer's email choices and the operator's log filters."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from shop.notifications.models import NotificationLog
from shop.validators import TextGuardMixin


class NotificationPreferencesForm(TextGuardMixin, forms.Form):
    company_orders = forms.BooleanField(
        label=_("Email me about every order of my company"),
        help_text=_(
            "Confirmations, shipments, deliveries and delays of orders placed by your "
            "colleagues too. You always hear about your own orders."
        ),
        required=False,
    )
    language = forms.ChoiceField(label=_("Language of my emails"), choices=settings.LANGUAGES)

    def __init__(self, *args, company_member: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not company_member:
            del self.fields["company_orders"]


class NotificationLogFilterForm(TextGuardMixin, forms.Form):
    kind = forms.CharField(label=_("Kind"), required=False, max_length=64)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *NotificationLog.Status.choices],
    )
    recipient = forms.CharField(label=_("Recipient"), required=False, max_length=254)

    def filters(self) -> dict[str, str]:
        """The valid filters (an invalid form filters nothing)."""
        if not self.is_valid():
            return {"kind": "", "status": "", "recipient": ""}
        return {name: (self.cleaned_data.get(name) or "").strip() for name in self.fields}
