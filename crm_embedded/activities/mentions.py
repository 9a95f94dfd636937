"""@mentions in activity and comment text: how they are written and who they name.

A colleague is mentioned as ``@anna.berg`` (the part of their email address before the @)
or as ``@"Anna Berg"`` (their full name in double quotes). Only the seller's account staff
can be mentioned, and of them only those who may see the company the activity belongs to
(its account manager, sales managers, superusers): a mention never mails account details to
someone the CRM would show a 404. A name that matches nobody stays plain text.
"""

import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db.models import Exists, OuterRef, Q

from shop.companies.selectors import ACCOUNT_MANAGERS_GROUP, SALES_MANAGERS_GROUP

# Not after a word character, a dot or another @: "jonas@rheinland-auto.example" is an email
# address, not a mention. A handle ends on a letter or digit, so "@anna.berg." drops the dot.
MENTION_RE = re.compile(
    r'(?<![\w.@])@(?:"(?P<name>[^"\r\n]{1,80})"|(?P<handle>[A-Za-z0-9](?:[A-Za-z0-9._+-]{0,62}[A-Za-z0-9])?))'
)


@dataclass(frozen=True)
class Mention:
    """One ``@…`` in a text: what was written (``raw``) and the key it is looked up by."""

    raw: str
    key: str


@dataclass
class MentionReport:
    """What became of a text's mentions: who is notified, and what could not be."""

    notified: list = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)
    cannot_see: list = field(default_factory=list)


def mentions_parse(*, text: str) -> list[Mention]:
    """Return the distinct mentions in ``text``, in the order they appear."""
    found: dict[str, Mention] = {}
    for match in MENTION_RE.finditer(text or ""):
        key = mention_key(match)
        if key not in found:
            found[key] = Mention(raw=match.group(0), key=key)
    return list(found.values())


def mention_key(match: re.Match) -> str:
    if match.group("name") is not None:
        return " ".join(match.group("name").split()).casefold()
    return match.group("handle").casefold()


def user_mention_keys(user: AbstractBaseUser) -> set[str]:
    """The keys that name ``user``: their email's local part and their full name."""
    keys = set()
    if user.email and "@" in user.email:
        keys.add(user.email.split("@", 1)[0].casefold())
    full_name = " ".join(user.get_full_name().split())
    if full_name:
        keys.add(full_name.casefold())
    return keys


def account_staff() -> list:
    """Active account staff (account and sales managers, superusers), each with ``is_sales``."""
    in_group = Group.objects.filter(user=OuterRef("pk"))
    return list(
        get_user_model()
        .objects.filter(is_active=True)
        .annotate(
            is_sales=Exists(in_group.filter(name=SALES_MANAGERS_GROUP)),
            is_account_manager=Exists(in_group.filter(name=ACCOUNT_MANAGERS_GROUP)),
        )
        .filter(Q(is_superuser=True) | Q(is_sales=True) | Q(is_account_manager=True))
        .order_by("first_name", "last_name", "email")
    )


def staff_can_see(user, *, company) -> bool:
    """True when this staff user (from ``account_staff``) may open the company in the CRM."""
    return user.is_superuser or user.is_sales or company.account_manager_id == user.pk


def staff_directory(staff: list) -> dict[str, list]:
    """Index staff users by every key that names them."""
    directory: dict[str, list] = {}
    for user in staff:
        for key in user_mention_keys(user):
            directory.setdefault(key, []).append(user)
    return directory


def mentions_resolve(*, text: str, company, author) -> MentionReport:
    """Match the mentions in ``text`` to colleagues who may see ``company`` (one query)."""
    report = MentionReport()
    mentions = mentions_parse(text=text)
    if not mentions:
        return report
    directory = staff_directory(account_staff())
    seen: set[int] = set()
    for mention in mentions:
        users = directory.get(mention.key, [])
        if not users:
            report.unknown.append(mention.raw)
        elif len(users) > 1:
            report.ambiguous.append(mention.raw)
        elif users[0].pk == author.pk or users[0].pk in seen:
            continue
        elif not staff_can_see(users[0], company=company):
            report.cannot_see.append(users[0])
        else:
            seen.add(users[0].pk)
            report.notified.append(users[0])
    return report


def mentionable_keys(*, company) -> tuple[set[str], list]:
    """The keys that highlight as mentions on this company's pages, and who they name."""
    staff = [u for u in account_staff() if staff_can_see(u, company=company)]
    directory = staff_directory(staff)
    return {key for key, users in directory.items() if len(users) == 1}, staff
