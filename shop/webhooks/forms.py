"""Operator input for outbound webhooks."""

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from shop.validators import TextGuardMixin
from shop.webhooks.models import EVENT_TYPES, WebhookDelivery, WebhookEndpoint


class WebhookEndpointForm(TextGuardMixin, forms.Form):
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        validators=[
            URLValidator(
                schemes=["http", "https"],
                message=_("Enter a URL starting with http:// or https://."),
            )
        ],
        error_messages={"invalid": _("Enter a URL starting with http:// or https://.")},
        assume_scheme="https",
        help_text=_("Where the events are POSTed (http or https)."),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=EVENT_TYPES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    @classmethod
    def for_endpoint(cls, endpoint: WebhookEndpoint, data=None):
        initial = {
            "url": endpoint.url,
            "description": endpoint.description,
            "events": endpoint.events,
            "active": endpoint.active,
        }
        return cls(data=data, initial=initial)


class DeliveryFilterForm(TextGuardMixin, forms.Form):
    endpoint = forms.ModelChoiceField(
        label=_("Endpoint"), queryset=WebhookEndpoint.objects.all(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any status"))] + list(WebhookDelivery.Status.choices),
        required=False,
    )
    event = forms.ChoiceField(
        label=_("Event"), choices=[("", _("Any event"))] + list(EVENT_TYPES), required=False
    )
