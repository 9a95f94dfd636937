"""Reads over price lists, scoped to the staff member asking."""

from dataclasses import dataclass
from decimal import Decimal

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


@dataclass(frozen=True)
class CompanyPrice:
    """A product's list price and a company's price today at a quantity (net, one currency)."""

    list_price: Decimal
    unit_price: Decimal
    currency: str
    stockrecord_id: int


def company_prices(
    *, company, products_quantities: list[tuple[object, int]]
) -> dict[int, CompanyPrice]:
    """Each product's list and company price at its quantity, by product id (unpriced left out).

    An inactive company pays list prices, as in the storefront. Costs a fixed number of
    queries whatever the number of products (the price book loads them at once).
    """
    products = [product for product, _quantity in products_quantities]
    records = {r.product_id: r for r in StockRecord.objects.filter(product__in=products)}
    book = None
    if company is not None and company.is_active:
        book = PriceBook(company=company)
        book.load(products)
    result = {}
    for product, quantity in products_quantities:
        record = records.get(product.pk)
        if record is None or record.price is None:
            continue
        unit = record.price if book is None else book.price(product, record, quantity).unit_price
        result[product.pk] = CompanyPrice(record.price, unit, record.price_currency, record.pk)
    return result


def price_list_entries(*, price_list: PriceList) -> QuerySet:
    """Return a list's entries with their product or category, in reading order."""
    return price_list.entries.select_related("product", "category").order_by(
        "product__title", "category__path", "min_quantity"
    )


def price_list_changes(*, price_list: PriceList, limit: int = 50) -> list:
    """Return a list's newest changes with who made them."""
    return list(price_list.changes.select_related("changed_by")[:limit])


def price_list_customer_groups(*, user) -> QuerySet:
    """Return the customer groups a staff member may keep lists for (sales managers only)."""
    groups = company_selectors.audience_customer_groups()
    return groups if company_selectors.user_is_sales_manager(user=user) else groups.none()
