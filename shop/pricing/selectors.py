"""Reads over price lists, scoped to the staff member asking."""

from django.db.models import Count, Q, QuerySet
from oscar.core.loading import get_model

from shop.companies import selectors as company_selectors
from shop.pricing.engine import PriceBook, ResolvedPrice
from shop.pricing.models import PriceList

StockRecord = get_model("partner", "StockRecord")


def price_lists_for_staff(*, user) -> QuerySet[PriceList]:
    """A sales manager sees every list; an account manager their accounts' contracts and group lists."""
    lists = PriceList.objects.select_related("company", "customer_group").annotate(
        entry_count=Count("entries")
    )
    if company_selectors.user_is_sales_manager(user=user):
        return lists
    if company_selectors.user_is_account_staff(user=user):
        return lists.filter(Q(company__account_manager=user) | Q(customer_group__isnull=False))
    return lists.none()


def price_list_editable_by(*, price_list: PriceList, user) -> bool:
    """Contracts by their account's manager; group lists by sales managers only."""
    if company_selectors.user_is_sales_manager(user=user):
        return True
    return price_list.company_id is not None and price_list.company.account_manager_id == user.pk


def price_for_sku(*, company, sku: str, quantity: int) -> ResolvedPrice | None:
    """A company's price for a SKU and quantity, with its explanation; None for an unknown SKU."""
    stockrecord = (
        StockRecord.objects.select_related("product").filter(partner_sku__iexact=sku).first()
    )
    if stockrecord is None or stockrecord.price is None:
        return None
    return PriceBook(company=company).price(stockrecord.product, stockrecord, quantity)
