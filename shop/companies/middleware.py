"""Attach the user's company membership to the request; handle staff acting as a buyer."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from shop.companies import acting, selectors
from shop.companies.models import CompanyMember
from shop.companies.services import audit_record

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
MEMBER_SESSION_KEY = "company_member_id"

# The buyer's sign-in details: a staff member acting as the buyer must not reach these,
# or they could add an address of their own and reset the buyer's password through it.
CREDENTIAL_VIEW_NAMES = frozenset(
    {
        # allauth: email addresses, their confirmation, password change/set/reset.
        "account_email",
        "account_confirm_email",
        "account_email_verification_sent",
        "account_change_password",
        "account_set_password",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
        "account_reauthenticate",
        # Oscar's account pages (profile edit, deletion, password) and its reset pages.
        "customer:profile-update",
        "customer:profile-delete",
        "customer:change-password",
        "password-reset",
        "password-reset-done",
        "password-reset-confirm",
        "password-reset-complete",
    }
)
# allauth's optional apps (connected sessions, MFA) if they are ever installed.
CREDENTIAL_VIEW_PREFIXES = ("usersessions_", "mfa_")
# Posted fields whose names say nothing: left out of the audit entry.
UNAUDITED_FIELDS = {"csrfmiddlewaretoken"}


def is_credential_view(view_name: str) -> bool:
    return view_name in CREDENTIAL_VIEW_NAMES or view_name.startswith(CREDENTIAL_VIEW_PREFIXES)


class CompanyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.acting_staff = None
        member, reason = acting.acting_resolve(session=request.session, real_user=request.user)
        if reason:
            messages.warning(request, reason)
        if member is not None:
            request.acting_staff = request.user
            request.user = member.user
            request.company_member = member
        elif request.user.is_authenticated:
            request.company_member = self._membership(request)
        else:
            request.company_member = None

        response = self.get_response(request)

        if (
            request.acting_staff
            and request.method not in SAFE_METHODS
            and response.status_code < 400
            and not getattr(request, "acting_refused", False)
        ):
            audit_record(
                company=member.company,
                actor=request.acting_staff,
                on_behalf_of=member.user,
                action="acting.request",
                detail=_request_detail(request),
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        """While acting, refuse every view of the buyer's sign-in details, and say why."""
        if not request.acting_staff:
            return None
        view_name = request.resolver_match.view_name if request.resolver_match else ""
        if not is_credential_view(view_name):
            return None
        member = request.company_member
        request.acting_refused = True
        audit_record(
            company=member.company,
            actor=request.acting_staff,
            on_behalf_of=member.user,
            action="acting.refused",
            detail=_request_detail(request),
        )
        messages.error(
            request,
            _(
                "While acting as %(buyer)s you cannot change their sign-in details. "
                "Stop acting first."
            )
            % {"buyer": member.user.email},
        )
        return redirect(_back_url(request))

    def _membership(self, request) -> CompanyMember | None:
        membership = selectors.membership_for_user(user=request.user)
        remembered = request.session.get(MEMBER_SESSION_KEY)
        if membership is not None:
            if remembered != membership.pk:
                request.session[MEMBER_SESSION_KEY] = membership.pk
        elif remembered is not None:
            # The member was removed while logged in: say so once, keep them browsing.
            request.session.pop(MEMBER_SESSION_KEY, None)
            old = CompanyMember.objects.select_related("company").filter(pk=remembered).first()
            if old is not None:
                messages.warning(
                    request,
                    _(
                        "Your access to %(company)s was removed by its admin. You can still "
                        "browse and buy by card; contact your company's admin if this is a mistake."
                    )
                    % {"company": old.company},
                )
        return membership


def _request_detail(request) -> dict:
    """What an acting request did: method, path, view name and the posted field NAMES only."""
    match = request.resolver_match
    fields = sorted(
        {*request.POST.keys(), *request.FILES.keys()} - UNAUDITED_FIELDS
        if request.method == "POST"
        else set()
    )
    return {
        "method": request.method,
        "path": request.path,
        "view_name": match.view_name if match else "",
        "fields": fields,
    }


def _back_url(request) -> str:
    """The page the refused request came from, if it is ours and not itself refused."""
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        if parts.path != request.path:
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return reverse("customer:profile-view")
