"""Input for the contacts room: the contact form (with its "save anyway" box) and the list filter."""

from django import forms
from django.utils.translation import gettext_lazy as _

from crm_embedded.contacts.models import Contact
from shop.companies import selectors as company_selectors
from shop.validators import TextGuardMixin

LANGUAGES = [
    ("", _("Not known")),
    ("en", _("English")),
    ("de", _("German")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("it", _("Italian")),
    ("nl", _("Dutch")),
    ("pl", _("Polish")),
    ("pt", _("Portuguese")),
]


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        name = user.get_full_name().strip()
        return f"{name} ({user.email})" if name else user.email


class ContactForm(TextGuardMixin, forms.Form):
    """A contact as the account team enters it; the company is fixed once the contact exists."""

    company = forms.ModelChoiceField(label=_("Company"), queryset=None)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    role = forms.CharField(
        label=_("Role"), max_length=120, required=False, help_text=_("e.g. Head of purchasing")
    )
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        error_messages={"invalid": _("Enter an email address like name@company.example.")},
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    preferred_channel = forms.ChoiceField(
        label=_("Preferred channel"), choices=Contact.Channel.choices, initial="email"
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=LANGUAGES, required=False
    )
    user = MemberChoiceField(
        label=_("Login"),
        queryset=None,
        required=False,
        help_text=_("Link the contact to their login in the shop (members of the company only)."),
    )
    marketing_consent = forms.BooleanField(label=_("Agrees to marketing emails"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_active = forms.BooleanField(
        label=_("Active"), required=False, initial=True,
        help_text=_("Untick for someone who has left the company."),
    )  # fmt: skip
    allow_similar = forms.BooleanField(
        label=_("Save anyway: this is a different person"), required=False
    )

    def __init__(self, *args, user, contact: Contact | None = None, company=None, **kwargs):
        if contact is not None:
            kwargs.setdefault("initial", {
                name: getattr(contact, name) for name in (
                    "first_name", "last_name", "role", "email", "phone", "preferred_channel",
                    "preferred_language", "marketing_consent", "notes", "is_active",
                )
            } | {"user": contact.user_id})  # fmt: skip
        elif company is not None:
            kwargs.setdefault("initial", {"company": company.pk})
        super().__init__(*args, **kwargs)
        companies = company_selectors.companies_for_staff(user=user)
        if contact is not None:
            del self.fields["company"]
            member_companies = [contact.company_id]
        else:
            self.fields["company"].queryset = companies.order_by("legal_name")
            member_companies = [company.pk] if company is not None else companies.values("pk")
        self.fields["user"].queryset = company_selectors.company_member_users(
            company_ids=member_companies
        )
        # Shown once the service has warned about a similar name (see show_allow_similar).
        self.fields["allow_similar"].widget = forms.HiddenInput()

    def show_allow_similar(self) -> None:
        """Offer the "save anyway" box (after a similar-name warning)."""
        self.fields["allow_similar"].widget = forms.CheckboxInput()

    def contact_fields(self) -> dict:
        """The cleaned values the contact services take (without company and the confirm box)."""
        data = dict(self.cleaned_data)
        data.pop("company", None)
        data.pop("allow_similar", None)
        return data


class ContactFilterForm(TextGuardMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    company = forms.ModelChoiceField(
        label=_("Company"), queryset=None, required=False, empty_label=_("All accounts")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = company_selectors.companies_for_staff(user=user).order_by(
            "legal_name"
        )
