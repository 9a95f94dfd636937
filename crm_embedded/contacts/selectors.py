"""Reads over contacts, scoped to the staff member asking, and the duplicate check."""

import difflib
import unicodedata
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404

from crm_embedded.contacts.models import Contact
from shop.companies import selectors as company_selectors

SIMILAR_NAME_RATIO = 0.85


def contacts_for_staff(*, user) -> QuerySet[Contact]:
    """Return the contacts of the companies a staff user may see (sales managers: all)."""
    companies = company_selectors.companies_for_staff(user=user).values("pk")
    return Contact.objects.filter(company__in=companies).select_related("company", "user")


def contacts_for_company(*, company_id: int) -> QuerySet[Contact]:
    """Return a company's contacts, active first, by name, with their login."""
    return (
        Contact.objects.filter(company_id=company_id)
        .select_related("user")
        .order_by("-is_active", "last_name", "first_name")
    )


def contact_for_staff_or_404(*, user, pk: int) -> Contact:
    """Return the contact if the staff user may see its company, else raise Http404."""
    contact = contacts_for_staff(user=user).filter(pk=pk).first()
    if contact is None:
        raise Http404("No such contact among your accounts.")
    return contact


def contacts_search(*, user, query: str = "", company_id: int | None = None) -> QuerySet[Contact]:
    """Return the staff user's contacts matching a name, email, phone, role or company."""
    contacts = contacts_for_staff(user=user)
    if company_id:
        contacts = contacts.filter(company_id=company_id)
    for word in query.split()[:5]:
        contacts = contacts.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(phone__icontains=word)
            | Q(role__icontains=word)
            | Q(company__legal_name__icontains=word)
            | Q(company__trading_name__icontains=word)
        )
    return contacts.order_by("last_name", "first_name", "pk")


def _folded(text: str) -> str:
    """Lower case without accents or extra spaces, so "Müller" and "muller" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def names_similar(*, first_a: str, last_a: str, first_b: str, last_b: str) -> bool:
    """Tell whether two people's names probably mean the same person."""
    fa, la, fb, lb = _folded(first_a), _folded(last_a), _folded(first_b), _folded(last_b)
    if la and la == lb and fa[:1] == fb[:1]:
        return True
    ratio = difflib.SequenceMatcher(None, f"{fa} {la}", f"{fb} {lb}").ratio()
    return ratio >= SIMILAR_NAME_RATIO


@dataclass
class Duplicates:
    """What a new or changed contact collides with."""

    same_email: Contact | None = None
    similar: list[Contact] = field(default_factory=list)


def contact_duplicates(
    *, company_id: int, first_name: str, last_name: str, email: str, exclude_id: int | None = None
) -> Duplicates:
    """Return the contact with the same email anywhere and the similar names in the company."""
    others = Contact.objects.exclude(pk=exclude_id) if exclude_id else Contact.objects.all()
    result = Duplicates()
    if email.strip():
        result.same_email = (
            others.filter(email__iexact=email.strip()).select_related("company").first()
        )
    for contact in others.filter(company_id=company_id).only("first_name", "last_name", "email"):
        if names_similar(
            first_a=first_name,
            last_a=last_name,
            first_b=contact.first_name,
            last_b=contact.last_name,
        ):
            result.similar.append(contact)
    return result
