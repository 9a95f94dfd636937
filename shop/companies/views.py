"""The buyer's side of company accounts: apply, see the company, manage members and addresses.

Every object is looked up inside the requesting user's own company, so another
company's id is a 404 whatever the URL says.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shop.companies import acting, selectors, services
from shop.companies.forms import (
    AddressForm,
    ApplicationForm,
    InviteForm,
    JoinAsNewUserForm,
    LimitsForm,
    RoleForm,
)
from shop.companies.models import CompanyMember
from shop.companies.services import ApplicationData, CompanyError


def member_required(view):
    """Let through active members of a company; others go to the company page, which explains."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs):
        if getattr(request, "company_member", None) is None:
            messages.info(request, _("You are not a member of a company account yet."))
            return redirect("company:home")
        return view(request, *args, **kwargs)

    return wrapped


def _error(request: HttpRequest, exc: CompanyError, form=None) -> None:
    if form is not None and exc.field and exc.field in form.fields:
        form.add_error(exc.field, exc.message)
    else:
        messages.error(request, exc.message)


@login_required
def company_home(request: HttpRequest) -> HttpResponse:
    membership = request.company_member
    if membership is None:
        return render(
            request,
            "companies/no_company.html",
            {"application": selectors.application_for_user(user=request.user)},
        )
    company = membership.company
    context = {
        "membership": membership,
        "company": company,
        "members": selectors.company_members(company=company),
        "addresses": selectors.company_addresses(company=company),
        "invitations": selectors.company_open_invitations(company=company)
        if membership.can_manage
        else [],
        "invite_form": InviteForm(),
        "roles": CompanyMember.Role.choices,
        "audit": selectors.company_audit(company=company, limit=20)
        if membership.can_manage
        else [],
    }
    return render(request, "companies/home.html", context)


@login_required
def company_apply(request: HttpRequest) -> HttpResponse:
    if request.company_member is not None:
        messages.info(request, _("You already belong to a company account."))
        return redirect("company:home")
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.company_apply(user=request.user, data=ApplicationData(**form.cleaned_data))
        except CompanyError as exc:
            _error(request, exc, form)
        else:
            messages.success(
                request,
                _(
                    "Thank you: your application is with our account team. We will email you "
                    "when your business account is active; until then you can browse and buy by card."
                ),
            )
            return redirect("company:home")
    return render(request, "companies/apply.html", {"form": form})


@member_required
@require_POST
def member_invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("company:home")
    try:
        services.invitation_create(
            company=request.company_member.company,
            invited_by=request.user,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
        )
    except CompanyError as exc:
        _error(request, exc)
    else:
        messages.success(
            request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
        )
    return redirect("company:home")


@member_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(request.company_member.company.invitations, pk=pk)
    try:
        services.invitation_revoke(invitation=invitation, by_user=request.user)
    except CompanyError as exc:
        _error(request, exc)
    else:
        messages.success(
            request, _("The invitation of %(email)s was withdrawn.") % {"email": invitation.email}
        )
    return redirect("company:home")


@member_required
@require_POST
def member_role(request: HttpRequest, pk: int) -> HttpResponse:
    company = request.company_member.company
    member = get_object_or_404(company.members, pk=pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles offered."))
        return redirect("company:home")
    try:
        services.member_role_change(
            member_id=member.pk,
            company=company,
            role=form.cleaned_data["role"],
            by_user=request.user,
        )
    except CompanyError as exc:
        _error(request, exc)
    else:
        role_name = CompanyMember.Role(form.cleaned_data["role"]).label
        messages.success(
            request,
            _("%(email)s is now %(role)s.") % {"email": member.user.email, "role": role_name},
        )
    return redirect("company:home")


@member_required
@require_POST
def member_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    company = request.company_member.company
    member = get_object_or_404(company.members, pk=pk)
    try:
        services.member_deactivate(member_id=member.pk, company=company, by_user=request.user)
    except CompanyError as exc:
        _error(request, exc)
    else:
        messages.success(
            request,
            _("%(email)s no longer has access to %(company)s.")
            % {"email": member.user.email, "company": company},
        )
    return redirect("company:home")


@member_required
def member_limits(request: HttpRequest, pk: int) -> HttpResponse:
    company = request.company_member.company
    member = get_object_or_404(company.members.select_related("user"), pk=pk)
    form = LimitsForm(
        request.POST or None,
        initial={"order_limit": member.order_limit, "period": member.period,
                 "period_limit": member.period_limit},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            services.member_limits_update(
                member_id=member.pk, company=company, by_user=request.user, **form.cleaned_data
            )
        except CompanyError as exc:
            _error(request, exc, form)
        else:
            messages.success(
                request, _("Spending limits of %(email)s saved.") % {"email": member.user.email}
            )
            return redirect("company:home")
    return render(request, "companies/limits_form.html", {"form": form, "member": member})


@member_required
def address_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    company = request.company_member.company
    address = get_object_or_404(company.addresses, pk=pk) if pk else None
    form = AddressForm(request.POST or None, instance=address)
    if request.method == "POST" and form.is_valid():
        try:
            services.address_save(
                company=company, by_user=request.user, address=form.save(commit=False)
            )
        except CompanyError as exc:
            _error(request, exc, form)
        else:
            messages.success(request, _("Address saved."))
            return redirect("company:home")
    return render(request, "companies/address_form.html", {"form": form, "address": address})


@member_required
@require_POST
def address_delete(request: HttpRequest, pk: int) -> HttpResponse:
    company = request.company_member.company
    address = get_object_or_404(company.addresses, pk=pk)
    try:
        services.address_delete(company=company, by_user=request.user, address_id=address.pk)
    except CompanyError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Address deleted."))
    return redirect("company:home")


def invitation_join(request: HttpRequest, token: str) -> HttpResponse:
    """Show an invitation; accept it as the logged-in user, or create the invitee's account."""
    try:
        invitation = services.invitation_from_token(token=token)
    except CompanyError as exc:
        return render(request, "companies/join.html", {"error": exc.message}, status=410)
    from django.contrib.auth import get_user_model

    has_account = get_user_model().objects.filter(email__iexact=invitation.email).exists()
    form = (
        None
        if request.user.is_authenticated or has_account
        else JoinAsNewUserForm(request.POST or None)
    )
    if request.method == "POST":
        try:
            if request.user.is_authenticated:
                services.invitation_accept(token=token, user=request.user)
            elif form is not None and form.is_valid():
                member = services.invitation_accept_as_new_user(
                    token=token,
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                    password=form.cleaned_data["password1"],
                )
                login(request, member.user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                return render(
                    request,
                    "companies/join.html",
                    {"invitation": invitation, "form": form, "has_account": has_account},
                )
        except CompanyError as exc:
            messages.error(request, exc.message)
            return redirect(request.path)
        messages.success(request, _("Welcome to %(company)s!") % {"company": invitation.company})
        return redirect("company:home")
    login_url = f"{reverse('account_login')}?next={request.path}"
    return render(
        request,
        "companies/join.html",
        {
            "invitation": invitation,
            "form": form,
            "has_account": has_account,
            "login_url": login_url,
        },
    )


@require_POST
def acting_stop(request: HttpRequest) -> HttpResponse:
    """End a staff member's session acting as a buyer; back to the CRM."""
    staff = getattr(request, "acting_staff", None)
    if staff is None:
        messages.info(request, _("You were not acting for a customer."))
        return redirect("/")
    acting.acting_stop(session=request.session, staff_user=staff, buyer=request.user)
    messages.success(request, _("You are yourself again (%(email)s).") % {"email": staff.email})
    company = request.company_member.company if request.company_member else None
    return redirect(f"/crm/companies/{company.pk}/" if company else "/crm/")
