"""Who may enter the account team's workspace, and the company lookup every CRM view scopes by."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from shop.companies import selectors


def staff_required(view):
    """Account managers, sales managers and superusers only."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if getattr(request, "acting_staff", None):
            messages.info(request, _("Stop acting for the customer to use the CRM."))
            return redirect("/shop/")
        if not selectors.user_is_account_staff(user=request.user):
            raise PermissionDenied(_("The CRM is for the seller's account team."))
        return view(request, *args, **kwargs)

    return wrapped


def company_or_404(request: HttpRequest, pk: int):
    """The company among those the staff user may see, else 404 (never 403: no existence leak)."""
    return get_object_or_404(selectors.companies_for_staff(user=request.user), pk=pk)
