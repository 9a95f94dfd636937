"""Reads over orders, scoped to who is asking."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from oscar.core.loading import get_model

from shop.companies.selectors import membership_for_user

Order = get_model("order", "Order")


def orders_for_user(*, user: AbstractBaseUser) -> QuerySet:
    """Orders a storefront user may see: their company's, or (without a company) their own."""
    if not user.is_authenticated:
        return Order.objects.none()
    membership = membership_for_user(user=user)
    if membership is not None:
        return Order.objects.filter(company=membership.company)
    return Order.objects.filter(user=user, company__isnull=True)


def orders_for_company(*, company) -> QuerySet:
    """A company's orders, newest first, with who placed them."""
    return (
        Order.objects.filter(company=company)
        .select_related("user", "placed_by_staff")
        .order_by("-date_placed")
    )
