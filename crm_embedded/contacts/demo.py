"""Demo data of this room for ``seed_demo`` (idempotent).

Every active company's members become contacts linked to their login, and each company
gets one person without a login (the one who answers the phone in accounts payable).
"""

from django.db import transaction

from crm_embedded.contacts.models import Contact
from shop.companies import selectors as company_selectors

# (first name, last name, role, phone) for the contact without a login, by company in turn.
NO_LOGIN = [
    ("Greta", "Vogel", "Accounts payable", "+49 221 555 0140"),
    ("Henrik", "Sund", "Workshop lead", "+46 8 555 0190"),
    ("Elena", "Navarro", "Fleet controller", "+34 91 555 0170"),
    ("Tomasz", "Nowak", "Warehouse manager", "+48 22 555 0110"),
    ("Claire", "Dubois", "Purchasing assistant", "+33 1 55 55 01 30"),
]
LANGUAGE_BY_COUNTRY = {"DE": "de", "AT": "de", "CH": "de", "ES": "es", "FR": "fr", "IT": "it",
                       "NL": "nl", "PL": "pl", "PT": "pt", "SE": "en", "GB": "en"}  # fmt: skip


@transaction.atomic
def demo_ensure() -> int:
    """Create the missing demo contacts; return how many were created."""
    created = 0
    companies = list(company_selectors.audience_companies())
    for index, company in enumerate(companies):
        language = LANGUAGE_BY_COUNTRY.get(company.country, "en")
        members = list(company_selectors.company_members(company=company).filter(is_active=True))
        for member in members:
            user = member.user
            if Contact.objects.filter(company=company, user=user).exists():
                continue
            Contact.objects.create(
                company=company, user=user, first_name=user.first_name or user.email,
                last_name=user.last_name, email=user.email, role=member.get_role_display(),
                preferred_language=language,
            )  # fmt: skip
            created += 1
        if not members:
            continue
        first, last, role, phone = NO_LOGIN[index % len(NO_LOGIN)]
        domain = members[0].user.email.rpartition("@")[2]
        email = f"{first}.{last}@{domain}".lower()
        if not Contact.objects.filter(email__iexact=email).exists():
            Contact.objects.create(
                company=company, first_name=first, last_name=last, role=role, email=email,
                phone=phone, preferred_channel=Contact.Channel.PHONE, preferred_language=language,
                notes="Calls back within the day; prefers the phone to email.",
            )  # fmt: skip
            created += 1
    return created
