"""Reads of the activities room, always scoped to who is asking."""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet

from crm_embedded.activities.models import Activity, ActivityComment
from shop.companies import selectors as company_selectors

MAX_INDENT = 5


def _with_related(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    # Explicit order: a GROUP BY query (the comment count) ignores Meta.ordering.
    return (
        activities.select_related("company", "author", "contact", "quote", "opportunity")
        .annotate(comment_count=Count("comments"))
        .order_by("-occurred_at", "-pk")
    )


def activities_for_staff(*, user: AbstractBaseUser) -> QuerySet[Activity]:
    """Activities a staff user may see: a sales manager all, an account manager their accounts'."""
    activities = _with_related(Activity.objects.all())
    if company_selectors.user_is_sales_manager(user=user):
        return activities
    if company_selectors.user_is_account_staff(user=user):
        return activities.filter(company__account_manager=user)
    return activities.none()


def activities_for_company(*, company_id: int, limit: int = 50) -> list[Activity]:
    """The company's latest activities with author, contact and comment count (one query)."""
    return list(_with_related(Activity.objects.filter(company_id=company_id))[:limit])


def activities_filter(
    activities: QuerySet[Activity],
    *,
    company=None,
    kind: str = "",
    author=None,
    text: str = "",
    start: date | None = None,
    end: date | None = None,
    contact_id: int | None = None,
    quote_id: int | None = None,
    opportunity_id: int | None = None,
) -> QuerySet[Activity]:
    """Narrow activities by the list's filters; ``start`` and ``end`` are inclusive dates."""
    if company is not None:
        activities = activities.filter(company=company)
    if kind:
        activities = activities.filter(kind=kind)
    if author is not None:
        activities = activities.filter(author=author)
    if text:
        activities = activities.filter(Q(subject__icontains=text) | Q(body__icontains=text))
    if start:
        activities = activities.filter(occurred_at__date__gte=start)
    if end:
        activities = activities.filter(occurred_at__date__lte=end)
    for name, value in (
        ("contact_id", contact_id),
        ("quote_id", quote_id),
        ("opportunity_id", opportunity_id),
    ):
        if value:
            activities = activities.filter(**{name: value})
    return activities


@dataclass(frozen=True)
class ThreadEntry:
    comment: ActivityComment
    depth: int

    @property
    def indent(self) -> int:
        return min(self.depth, MAX_INDENT)


def activity_comment_thread(*, activity: Activity) -> list[ThreadEntry]:
    """The activity's comments in reading order, each reply under its parent (one query)."""
    comments = list(activity.comments.select_related("author").order_by("created_at", "pk"))
    children: dict[int | None, list[ActivityComment]] = {}
    for comment in comments:
        children.setdefault(comment.parent_id, []).append(comment)
    thread: list[ThreadEntry] = []
    stack = [(c, 0) for c in reversed(children.get(None, []))]
    while stack:
        comment, depth = stack.pop()
        thread.append(ThreadEntry(comment=comment, depth=depth))
        stack.extend((c, depth + 1) for c in reversed(children.get(comment.pk, [])))
    return thread
