"""The cockpit's one input: which rep a sales manager looks at."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from shop.companies.selectors import ACCOUNT_MANAGERS_GROUP, SALES_MANAGERS_GROUP
from shop.validators import TextGuardMixin

ALL = "all"


class RepForm(TextGuardMixin, forms.Form):
    """``?rep=<user id>`` or ``?rep=all``; an id that is not an account team member is refused."""

    rep = forms.ChoiceField(
        label=_("Show the workspace of"),
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a member of the account team: pick a rep from the list, "
                "or “All reps”."
            )
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        staff = (
            get_user_model()
            .objects.filter(
                groups__name__in=[ACCOUNT_MANAGERS_GROUP, SALES_MANAGERS_GROUP], is_active=True
            )
            .distinct()
            .order_by("first_name", "last_name", "email")
        )
        self.fields["rep"].choices = [(ALL, _("All reps"))] + [
            (str(user.pk), f"{user.get_full_name() or user.email} ({user.email})") for user in staff
        ]

    def rep_id(self) -> int | None:
        """The chosen rep's user id, or None for all reps (call after ``is_valid``)."""
        value = self.cleaned_data["rep"]
        return None if value == ALL else int(value)
