"""Oscar's dashboard, forked so that its CSV downloads go through shop.csv_export and so
that only superusers and sales managers may open it.

Oscar's dashboard is store-wide (every company's orders, revenue, customers and reports);
account managers are ``is_staff`` but may only see their own accounts, so they are refused
here and work in the CRM instead.

Oscar loads dashboard classes with ``get_class("dashboard.<app>.<module>", ...)``, which looks
in the app labelled ``dashboard`` first: ``shop.dashboard.reports.reports`` and
``shop.dashboard.orders.views`` each override one small hook (the order page gains a card
refund); everything else is Oscar's. ``payments/unmatched/`` is ours: card payments Stripe
took that no order accounts for, for staff to refund or mark handled.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models.signals import post_migrate
from django.urls import path, reverse
from django.utils.translation import gettext
from oscar.apps.dashboard import apps

# The sign-in and sign-out pages stay open: the login door handles them.
OPEN_VIEWS = frozenset({"login", "logout"})


def sales_managers_only(view):
    """Refuse a signed-in user who is neither a superuser nor a sales manager."""
    from shop.companies.selectors import user_is_sales_manager

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        # Anonymous visitors fall through to Oscar's own check, which sends them to log in.
        if user.is_authenticated and not user_is_sales_manager(user=user):
            if not user.is_staff:
                # A buyer has no CRM: point them to what they came for.
                raise PermissionDenied(
                    gettext(
                        "The shop dashboard is for our sales staff only. Your orders are "
                        "under Account, Order History (%(url)s)."
                    )
                    % {"url": reverse("customer:order-list")}
                )
            raise PermissionDenied(
                gettext(
                    "The shop dashboard shows every company's orders and is for sales "
                    "managers only. Your workspace is the CRM at /crm/."
                )
            )
        return view(request, *args, **kwargs)

    return wrapped


def _grant_sales_managers(sender, using="default", **kwargs):
    # After migrate and after a test database flush, which empties the group's permissions.
    from shop.dashboard.services import sales_manager_permissions_ensure

    sales_manager_permissions_ensure(using=using)


class DashboardConfig(apps.DashboardConfig):
    name = "shop.dashboard"

    def configure_permissions(self):
        from shop.dashboard.access import VIEW_UNMATCHED_PERMISSION

        super().configure_permissions()
        self.permissions_map = {
            **self.permissions_map,
            "payments-unmatched-list": [VIEW_UNMATCHED_PERMISSION],
            "payments-unmatched-detail": [VIEW_UNMATCHED_PERMISSION],
        }

    def ready(self):
        super().ready()
        post_migrate.connect(_grant_sales_managers, sender=self)

    def get_urls(self):
        from shop.dashboard.payments import views

        return super().get_urls() + self.post_process_urls(
            [
                path(
                    "payments/unmatched/",
                    views.UnmatchedPaymentListView.as_view(),
                    name="payments-unmatched-list",
                ),
                path(
                    "payments/unmatched/<int:pk>/",
                    views.UnmatchedPaymentDetailView.as_view(),
                    name="payments-unmatched-detail",
                ),
            ]
        )

    def get_url_decorator(self, pattern):
        # post_process_urls walks every included sub-app's patterns too, so this guards
        # the whole dashboard, on top of each view's own Oscar permissions.
        oscar_decorator = super().get_url_decorator(pattern)
        if pattern.name in OPEN_VIEWS:
            return oscar_decorator
        if oscar_decorator is None:
            return sales_managers_only
        return lambda view: sales_managers_only(oscar_decorator(view))
