"""The activities room's pages: the list, logging an activity, one activity and its thread."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm_embedded.access import company_or_404, staff_required
from crm_embedded.activities import selectors, services
from crm_embedded.activities.forms import ActivityFilterForm, ActivityForm, CommentForm
from crm_embedded.activities.mentions import MentionReport, mentionable_keys

PAGE_SIZE = 50


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _report_mentions(request: HttpRequest, report: MentionReport) -> None:
    if report.notified:
        names = ", ".join(u.get_full_name() or u.email for u in report.notified)
        messages.info(request, _("Notified by email: %(names)s.") % {"names": names})
    if report.unknown:
        messages.warning(
            request,
            _("No colleague is called %(mentions)s, so nobody was notified for it (it stays "
              "plain text). Write @ and the part of their email before the @, or their full "
              'name in quotes: @"Anna Berg".') % {"mentions": ", ".join(report.unknown)},
        )  # fmt: skip
    if report.ambiguous:
        messages.warning(
            request,
            _("%(mentions)s names more than one colleague, so nobody was notified for it: use "
              'their full name in quotes, e.g. @"Anna Berg".')
            % {"mentions": ", ".join(report.ambiguous)},
        )  # fmt: skip
    if report.cannot_see:
        names = ", ".join(u.get_full_name() or u.email for u in report.cannot_see)
        messages.warning(
            request,
            _("%(names)s cannot see this account, so was not notified: ask a sales manager "
              "to bring them in.") % {"names": names},
        )  # fmt: skip


@staff_required
def activity_list(request: HttpRequest) -> HttpResponse:
    form = ActivityFilterForm(request.GET or None, user=request.user)
    activities = selectors.activities_for_staff(user=request.user)
    valid = form.is_valid() if form.is_bound else True
    data = form.cleaned_data if form.is_bound else {}
    activities = selectors.activities_filter(
        activities,
        company=data.get("company"),
        kind=data.get("kind") or "",
        author=request.user if data.get("mine") else None,
        text=(data.get("q") or "").strip(),
        start=data.get("start"),
        end=data.get("end"),
        contact_id=data.get("contact"),
        quote_id=data.get("quote"),
        opportunity_id=data.get("opportunity"),
    )
    page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "crm/activities/list.html",
        {"form": form, "page": page, "query": query.urlencode(), "crm_tab": "activities"},
        status=200 if valid else 400,
    )


@staff_required
def activity_create(request: HttpRequest) -> HttpResponse:
    company_pk = request.POST.get("company") or request.GET.get("company")
    company = None
    if company_pk:
        try:
            company = company_or_404(request, int(company_pk))
        except (TypeError, ValueError):
            company = None
    next_url = _safe_next(request)
    if company is None and request.method != "POST":
        return render(
            request,
            "crm/activities/choose_company.html",
            {"form": ActivityForm(user=request.user), "next": next_url, "crm_tab": "activities"},
        )
    names = ("contact", "quote", "opportunity", "kind")
    initial = {name: request.GET[name] for name in names if request.GET.get(name)}
    form = ActivityForm(request.POST or None, company=company, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            activity, report = services.activity_log(
                company=data["company"],
                author=request.user,
                kind=data["kind"],
                subject=data["subject"],
                body=data["body"],
                occurred_at=data["occurred_at"],
                contact=data["contact"],
                quote=data["quote"],
                opportunity=data["opportunity"],
                now=form.now,
            )
        except services.ActivityError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Logged: %(subject)s.") % {"subject": activity.subject})
            _report_mentions(request, report)
            if next_url:
                return redirect(next_url)
            return redirect("crm:activity-detail", pk=activity.pk)
    return render(
        request,
        "crm/activities/form.html",
        {"form": form, "company": form.company, "next": next_url, "crm_tab": "activities"},
        status=400 if form.is_bound else 200,
    )


def _detail(request: HttpRequest, activity, comment_form: CommentForm, *, status: int = 200):
    keys, staff = mentionable_keys(company=activity.company)
    return render(
        request,
        "crm/activities/detail.html",
        {
            "activity": activity,
            "thread": selectors.activity_comment_thread(activity=activity),
            "comment_form": comment_form,
            "mention_keys": keys,
            "mentionable": staff,
            "crm_tab": "activities",
        },
        status=status,
    )


@staff_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(selectors.activities_for_staff(user=request.user), pk=pk)
    return _detail(request, activity, CommentForm(activity=activity))


@staff_required
@require_POST
def activity_comment(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(selectors.activities_for_staff(user=request.user), pk=pk)
    form = CommentForm(request.POST, activity=activity)
    if form.is_valid():
        try:
            comment, report = services.activity_comment_add(
                activity=activity,
                author=request.user,
                body=form.cleaned_data["body"],
                parent=form.cleaned_data["parent"],
            )
        except services.ActivityError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Your comment is added."))
            _report_mentions(request, report)
            url = reverse("crm:activity-detail", kwargs={"pk": activity.pk})
            return redirect(f"{url}#comment-{comment.pk}")
    return _detail(request, activity, form, status=400)
