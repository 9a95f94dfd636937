"""Which banner a request sees: one query, cached per audience until a banner changes."""

from dataclasses import dataclass

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.utils import timezone

from cms.promotions.models import Banner

PREVIEW_PREFIX = "audience:"


@dataclass(frozen=True)
class Audience:
    """Who is looking: signed in or not, and the company and customer group they buy for."""

    signed_in: bool = False
    company_id: int | None = None
    group_id: int | None = None


VISITOR = Audience()


def audience_for_request(request) -> Audience:
    """Return the request's audience; an editor's preview may pose as a chosen audience."""
    if getattr(request, "is_preview", False):
        posed = audience_from_preview_mode(getattr(request, "preview_mode", "") or "")
        if posed is not None:
            return posed
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return VISITOR
    # Set by shop.companies.middleware (with its company), also while staff act as a buyer.
    member = getattr(request, "company_member", None)
    if member is None:
        return Audience(signed_in=True)
    return Audience(
        signed_in=True, company_id=member.company_id, group_id=member.company.customer_group_id
    )


def audience_from_preview_mode(mode: str) -> Audience | None:
    """Parse a preview mode 'audience:visitor|buyer|group:<id>|company:<id>[:<group id>]'."""
    if not mode.startswith(PREVIEW_PREFIX):
        return None
    kind, _, rest = mode[len(PREVIEW_PREFIX) :].partition(":")
    parts = rest.split(":") if rest else []
    if not all(part.isdigit() for part in parts):
        return None
    if kind == "visitor" and not parts:
        return VISITOR
    if kind == "buyer" and not parts:
        return Audience(signed_in=True)
    if kind == "group" and len(parts) == 1:
        return Audience(signed_in=True, group_id=int(parts[0]))
    if kind == "company" and len(parts) in (1, 2):
        group_id = int(parts[1]) if len(parts) == 2 else None
        return Audience(signed_in=True, company_id=int(parts[0]), group_id=group_id)
    return None


def banner_for_audience(*, audience: Audience, now=None):
    """Return the live banner that fits the audience best (most specific, then priority), or None."""
    now = now or timezone.now()
    A = Banner.Audience
    fits = Q(audience=A.EVERYONE)
    if not audience.signed_in:
        fits |= Q(audience=A.VISITORS)
    else:
        fits |= Q(audience=A.BUYERS)
        if audience.group_id:
            fits |= Q(audience=A.GROUP, customer_group_id=audience.group_id)
        if audience.company_id:
            chosen = Banner.companies.through.objects.filter(
                banner_id=OuterRef("pk"), company_id=audience.company_id
            )
            fits |= Q(Exists(chosen), audience=A.COMPANIES)
    specificity = Case(
        When(audience=A.COMPANIES, then=Value(4)),
        When(audience=A.GROUP, then=Value(3)),
        When(audience__in=[A.BUYERS, A.VISITORS], then=Value(2)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        Banner.objects.filter(fits, is_active=True, starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .annotate(specificity=specificity)
        .select_related("image", "link_page")
        .order_by("-specificity", "-priority", "-starts_at", "-pk")
        .first()
    )


def banner_for_request(request):
    """Return the banner this request sees, computed once per request."""
    cached = getattr(request, "_promotion_banner", False)
    if cached is not False:
        return cached
    from cms.caching import banner_cached

    audience = audience_for_request(request)
    if getattr(request, "is_preview", False):
        banner = banner_for_audience(audience=audience)  # an editor's preview: never cached
    else:
        banner = banner_cached(
            audience=audience, build=lambda: banner_for_audience(audience=audience)
        )
    request._promotion_banner = banner
    return banner
