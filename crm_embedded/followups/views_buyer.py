"""The buyer's follow-up links: restore a cart, opt out by link, the setting in the account.

The links come from emails, so they are addressed by signed tokens (tokens.py), not ids. A
restore token logs nobody in: it works only for the logged-in buyer it was sent to.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crm_embedded.followups import services_buyer
from crm_embedded.followups.forms_buyer import OptOutForm, PreferencesForm
from crm_embedded.followups.models import FollowUp, FollowUpOptOut
from crm_embedded.followups.tokens import (
    TokenExpired,
    TokenInvalid,
    opt_out_token_read,
    restore_token_read,
)

MESSAGE_LINES = 10


def _problem(
    request,
    *,
    status: int,
    title: str,
    text: str,
    link_url: str,
    link_text: str,
    switch_user: bool = False,
):
    context = {"title": title, "text": text, "link_url": link_url, "link_text": link_text}
    return render(
        request,
        "followups/link_problem.html",
        {**context, "switch_user": switch_user},
        status=status,
    )


def _basket_problem(request, *, status: int, title: str, text: str):
    return _problem(
        request,
        status=status,
        title=title,
        text=text,
        link_url=reverse("basket:summary"),
        link_text=_("Open your basket"),
    )


def _listed(rows: list[str]) -> str:
    more = len(rows) - MESSAGE_LINES
    text = "; ".join(rows[:MESSAGE_LINES])
    if more > 0:
        text += _("; and %(count)s more") % {"count": more}
    return text


def _report(request, result) -> None:
    """One message per kind of outcome, naming the lines."""
    if result.added:
        messages.success(
            request,
            ngettext(
                "Put back into your basket (%(count)s line): %(lines)s.",
                "Put back into your basket (%(count)s lines): %(lines)s.",
                len(result.added),
            )
            % {
                "count": len(result.added),
                "lines": _listed([f"{r.quantity} × {r.title}" for r in result.added]),
            },
        )
    if result.merged:
        messages.success(
            request,
            _("Already in your basket, now with the quantity you had before: %(lines)s.")
            % {"lines": _listed([f"{r.quantity} × {r.title}" for r in result.merged])},
        )
    if result.unchanged:
        messages.info(
            request,
            _("Already in your basket as before, left as they are: %(lines)s.")
            % {"lines": _listed([f"{r.quantity} × {r.title}" for r in result.unchanged])},
        )
    if result.unavailable:
        messages.warning(
            request,
            _("Not put back (%(count)s): %(lines)s")
            % {
                "count": len(result.unavailable),
                "lines": _listed([f"{r.title}: {r.reason}" for r in result.unavailable]),
            },
        )
    if not (result.added or result.merged or result.unchanged or result.unavailable):
        messages.info(request, _("That email had no lines to put back into your basket."))


def restore(request: HttpRequest, token: str) -> HttpResponse:
    """Put a follow-up email's cart back into the logged-in buyer's basket."""
    try:
        claim = restore_token_read(token)
    except TokenExpired:
        return _basket_problem(
            request,
            status=410,
            title=_("This link has expired"),
            text=_(
                "Links to restore a cart work for %(days)s days after the email. Whatever "
                "is still in your basket is there: open it, or use quick order."
            )
            % {"days": settings.FOLLOWUP_RESTORE_TOKEN_DAYS},
        )
    except TokenInvalid:
        return _basket_problem(
            request,
            status=400,
            title=_("This link is not valid"),
            text=_(
                "The link may have been cut off or changed: open it again from the email, "
                "or copy the whole link into the address bar. Nothing was changed."
            ),
        )
    if not request.user.is_authenticated:
        # The token logs nobody in: the buyer logs in and comes back here.
        return redirect_to_login(request.get_full_path())
    if claim.user_id != request.user.pk:
        return _problem(
            request,
            status=403,
            title=_("This link was sent to someone else"),
            text=_(
                "You are logged in as %(email)s, but this cart belongs to the person the "
                "email was sent to. Nothing was changed. If it was sent to you under another "
                "login, log in as that user."
            )
            % {"email": request.user.email},
            link_url=reverse("basket:summary"),
            link_text=_("Open your basket"),
            switch_user=True,
        )
    followup = (
        FollowUp.objects.filter(pk=claim.followup_id, user_id=claim.user_id)
        .only("pk", "company_id", "item_key", "lines", "restored_at")
        .first()
    )
    if followup is None:
        return _basket_problem(
            request,
            status=410,
            title=_("This cart can no longer be restored"),
            text=_("The reminder this link came from has been removed. Nothing was changed."),
        )
    member = getattr(request, "company_member", None)
    if member is None or member.company_id != followup.company_id:
        return _basket_problem(
            request,
            status=403,
            title=_("This cart belongs to another company account"),
            text=_(
                "You no longer order for the company this cart was made for, so it cannot "
                "be put back. Nothing was changed."
            ),
        )
    if not member.can_order:
        return _basket_problem(
            request,
            status=403,
            title=_("Your role does not let you order"),
            text=_(
                "As a %(role)s you can see orders but not order. Ask your company's admin "
                "for the buyer role. Nothing was changed."
            )
            % {"role": member.get_role_display().lower()},
        )
    ordered = (
        FollowUp.objects.filter(item_key=followup.item_key, recovered_at__isnull=False)
        .values("recovered_order_number", "recovered_at")
        .first()
    )
    if ordered and request.GET.get("again") != "1":
        # The cart became an order since the email: refilling it unasked invites a duplicate.
        return _problem(
            request,
            status=200,
            title=_("You have ordered this cart"),
            text=_(
                "The products of this email went into order %(number)s on %(date)s, so nothing "
                "was put back into your basket. To order them again, put them back anyway."
            )
            % {
                "number": ordered["recovered_order_number"],
                "date": date_format(
                    timezone.localtime(ordered["recovered_at"]), "SHORT_DATE_FORMAT"
                ),
            },
            link_url=f"{request.path}?again=1",
            link_text=_("Put them back anyway"),
        )
    result = services_buyer.followup_restore(
        followup=followup, basket=request.basket, strategy=request.strategy
    )
    _report(request, result)
    return redirect("basket:summary")


def opt_out(request: HttpRequest, token: str) -> HttpResponse:
    """No login: confirm, then record that the address wants no more follow-up emails."""
    try:
        email = opt_out_token_read(token)
    except TokenInvalid:
        return _problem(
            request,
            status=400,
            title=_("This link is not valid"),
            text=_(
                "The link may have been cut off or changed: open it again from the email. "
                "Logged in, you can also switch reminders off in your email settings."
            ),
            link_url=reverse("followups:preferences"),
            link_text=_("Reminder settings"),
        )
    context = {"email": email, "opted_out": services_buyer.email_opted_out(email=email)}
    if request.method != "POST":
        return render(request, "followups/opt_out.html", context)
    form = OptOutForm(request.POST)
    if not form.is_valid():
        context["form"] = form
        return render(request, "followups/opt_out.html", context, status=400)
    if form.cleaned_data["action"] == "out":
        user = request.user if request.user.is_authenticated else None
        if user is not None and user.email.strip().lower() != email:
            user = None  # someone else's address: the opt-out is the address's, not theirs
        services_buyer.opt_out_record(email=email, source=FollowUpOptOut.Source.LINK, user=user)
        return render(request, "followups/opt_out_done.html", {**context, "opted_out": True})
    services_buyer.opt_out_remove(email=email)
    return render(request, "followups/opt_out_done.html", {**context, "opted_out": False})


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """The logged-in buyer switches follow-up reminder emails off and on."""
    email = request.user.email
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            if form.cleaned_data["reminders"]:
                services_buyer.opt_out_remove(email=email, user_id=request.user.pk)
                messages.success(request, _("You will get reminders about open carts and offers."))
            else:
                services_buyer.opt_out_record(
                    email=email, source=FollowUpOptOut.Source.ACCOUNT, user=request.user
                )
                messages.success(request, _("No more reminder emails about open carts and offers."))
            return redirect("followups:preferences")
    else:
        form = PreferencesForm(
            initial={
                "reminders": not services_buyer.email_opted_out(
                    email=email, user_id=request.user.pk
                )
            }
        )
    return render(
        request,
        "followups/preferences.html",
        {"form": form, "page_title": _("Reminder emails"), "active_tab": "email_settings"},
    )
