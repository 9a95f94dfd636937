"""Attach the user's company membership to the request; handle staff acting as a buyer."""

from django.contrib import messages

from shop.companies import acting, selectors
from shop.companies.models import CompanyMember
from shop.companies.services import audit_record

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
MEMBER_SESSION_KEY = "company_member_id"


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
        ):
            audit_record(
                company=member.company,
                actor=request.acting_staff,
                on_behalf_of=member.user,
                action="acting.request",
                detail={"method": request.method, "path": request.path},
            )
        return response

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
                    f"Your access to {old.company} was removed by its admin. You can still "
                    "browse and buy by card; contact your company's admin if this is a mistake.",
                )
        return membership
