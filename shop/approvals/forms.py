from django import forms
from django.utils.translation import gettext_lazy as _

from shop.validators import TextGuardMixin


class ApprovalNoteForm(TextGuardMixin, forms.Form):
    """The buyer's note to the approver, sent with an order over their limits."""

    approval_note = forms.CharField(
        label=_("Note for your approver"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "form": "place_order_form"}),
        help_text=_("Optional. Why you need this order, e.g. a job it is for."),
    )


class RejectForm(TextGuardMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for the buyer"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Give the buyer a reason: they see it with the lines in their basket.")
        },
    )


class ApprovalPolicyForm(forms.Form):
    expiry_days = forms.IntegerField(
        label=_("Requests expire after (days)"),
        min_value=1,
        max_value=90,
        help_text=_(
            "A request nobody decides on in this many days expires; its lines go back "
            "to the buyer's basket. 1 to 90 days."
        ),
        error_messages={
            "min_value": _("Enter at least 1 day."),
            "max_value": _("Enter at most 90 days."),
            "invalid": _("Enter a whole number of days, e.g. 7."),
            "required": _("Enter a number of days, e.g. 7."),
        },
    )
