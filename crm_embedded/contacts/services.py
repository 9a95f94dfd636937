"""Writes over contacts: create and change, refusing duplicates, stamping consent changes."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm_embedded.contacts import selectors
from crm_embedded.contacts.models import Contact
from shop.companies import selectors as company_selectors
from shop.errors import PortalError

EDITABLE = (
    "user", "first_name", "last_name", "role", "email", "phone", "preferred_channel",
    "preferred_language", "marketing_consent", "notes", "is_active",
)  # fmt: skip


class ContactError(PortalError):
    """A contact that cannot be saved as entered, with a message for the person entering it."""

    def __init__(self, message, field=None, *, existing: Contact | None = None, similar=()):
        super().__init__(message, field)
        self.existing = existing
        self.similar = list(similar)


class SimilarContactError(ContactError):
    """Contacts with a similar name exist in the company: save only when confirmed."""


def _check(*, contact: Contact, allow_similar: bool) -> None:
    if contact.user_id is not None:
        is_member = (
            company_selectors.company_member_users(company_ids=[contact.company_id])
            .filter(pk=contact.user_id)
            .exists()
        )
        if not is_member:
            raise ContactError(
                _("Only an active member of %(company)s can be linked to this contact.")
                % {"company": contact.company},
                "user",
            )
    duplicates = selectors.contact_duplicates(
        company_id=contact.company_id,
        first_name=contact.first_name,
        last_name=contact.last_name,
        email=contact.email,
        exclude_id=contact.pk,
    )
    if duplicates.same_email is not None:
        raise ContactError(
            _(
                "%(email)s is already the email of a contact: open that contact instead of adding it twice."
            )
            % {"email": contact.email},
            "email",
            existing=duplicates.same_email,
        )
    if duplicates.similar and not allow_similar:
        raise SimilarContactError(
            _("%(company)s already has a contact with a similar name: check it is not the same "
              "person, then tick “Save anyway”.") % {"company": contact.company},
            "last_name",
            similar=duplicates.similar,
        )  # fmt: skip


def _save(*, contact: Contact, allow_similar: bool) -> Contact:
    _check(contact=contact, allow_similar=allow_similar)
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError as exc:
        raise ContactError(
            _("This login is already linked to another contact of the company."), "user"
        ) from exc
    return contact


def _apply(contact: Contact, fields: dict) -> None:
    unknown = sorted(set(fields) - set(EDITABLE))
    if unknown:
        raise ContactError(_("%(fields)s cannot be changed here.") % {"fields": ", ".join(unknown)})
    for name, value in fields.items():
        setattr(contact, name, value.strip() if isinstance(value, str) else value)


@transaction.atomic
def contact_create(*, company, by, allow_similar: bool = False, **fields) -> Contact:
    """Add a person at a client company; refuse a known email, warn on a similar name."""
    contact = Contact(company=company, created_by=by)
    _apply(contact, fields)
    if contact.marketing_consent:
        contact.consent_changed_at = timezone.now()
    return _save(contact=contact, allow_similar=allow_similar)


@transaction.atomic
def contact_update(*, contact: Contact, by, allow_similar: bool = False, **fields) -> Contact:
    """Change a contact; a change of marketing consent is stamped with the time."""
    before = (
        Contact.objects.filter(pk=contact.pk)
        .values("marketing_consent", "first_name", "last_name")
        .first()
    )
    _apply(contact, fields)
    if before and contact.marketing_consent != before["marketing_consent"]:
        contact.consent_changed_at = timezone.now()
    # A name saved anyway once is not questioned again until it changes.
    renamed = not before or (contact.first_name, contact.last_name) != (
        before["first_name"], before["last_name"],
    )  # fmt: skip
    return _save(contact=contact, allow_similar=allow_similar or not renamed)
