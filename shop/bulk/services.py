"""Quick order: check parsed lines against the catalogue, the buyer's rules and stock; add in bulk."""

import difflib
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from oscar.core.loading import get_model

from shop.bulk import parser
from shop.bulk.models import RequisitionLine, RequisitionList
from shop.bulk.parser import ParsedLine
from shop.caching.services import cache_basket_bump
from shop.errors import PortalError
from shop.partner.stock import StockInfo, stock_beside_basket, stock_info
from shop.partnumbers import selectors as partnumber_selectors
from shop.validators import validate_single_line

StockRecord = get_model("partner", "StockRecord")
Line = get_model("basket", "Line")

MAX_SUGGESTIONS = 25


@dataclass
class CheckedLine:
    parsed: ParsedLine
    stockrecord: object | None = None
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    suggestion: str = ""
    # The buyer's company's own number for the product (typed, or shown beside our SKU).
    part_number: str = ""
    proposed_quantity: int | None = None
    unit_price: Decimal | None = None
    currency: str = ""
    stock: StockInfo | None = None
    # The quantity input's browser constraints, from the buyer's rule and what the basket
    # holds already (the rule applies to the sum); None when the product is not known.
    quantity_min: int | None = None
    quantity_step: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and self.stockrecord is not None

    @property
    def product(self):
        return self.stockrecord.product if self.stockrecord else None


def _suggestions(unknown: list[str]) -> dict[str, str]:
    """A close existing SKU for each unknown one, from one query over shared prefixes."""
    unknown = unknown[:MAX_SUGGESTIONS]
    if not unknown:
        return {}
    prefixes = {sku[: max(3, len(sku) - 4)] for sku in unknown}
    condition = Q()
    for prefix in prefixes:
        condition |= Q(partner_sku__istartswith=prefix)
    candidates = list(
        StockRecord.objects.filter(condition).values_list("partner_sku", flat=True)[:2000]
    )
    found = {}
    for sku in unknown:
        match = difflib.get_close_matches(sku, candidates, n=1, cutoff=0.75)
        if match:
            found[sku] = match[0]
    return found


def _part_numbers_to_skus(
    lines: list[ParsedLine], records: dict, company_id: int | None
) -> tuple[list[ParsedLine], dict[str, str]]:
    """Read codes that are not our SKUs as the company's part numbers: our SKU replaces them.

    Returns the lines (merged again: a part number and its SKU are one product) and the
    part number typed for each SKU. Two queries, only when such codes were typed.
    """
    unknown = {line.sku for line in lines if line.ok and line.sku not in records}
    # A line that did not read as "SKU quantity" may be a part number with spaces and a quantity.
    unknown |= {line.spaced[0] for line in lines if not line.ok and line.spaced}
    resolved = partnumber_selectors.part_numbers_resolve(company_id=company_id, codes=unknown)
    if not resolved:
        return lines, {}
    skus = dict(
        StockRecord.objects.filter(
            product_id__in={pid for pid, _number in resolved.values()}
        ).values_list("product_id", "partner_sku")
    )
    typed: dict[str, str] = {}
    for line in lines:
        if not line.ok and line.spaced and line.spaced[0] in resolved:
            code, quantity = line.spaced
            line.sku, line.quantity, line.errors = code, quantity, []
            line.quantity_text = str(quantity)
        product_id, part_number = resolved.get(line.sku, (None, ""))
        if line.ok and skus.get(product_id):
            line.sku = skus[product_id].upper()
            typed[line.sku] = part_number
    return parser.merge_duplicates(lines), typed


def _records_for(skus) -> dict:
    return {
        r.partner_sku.upper(): r
        for r in StockRecord.objects.filter(partner_sku__in=skus).select_related(
            "product", "product__product_class", "partner"
        )
    }


def _rule_problem(rule, typed: int, already: int) -> tuple[str, int | None]:
    """What is wrong with adding ``typed`` to the ``already`` in the basket, and the typed
    quantity to propose instead ('' and None when it is fine).

    The rule applies to the basket line, which holds the sum; the buyer reads the words
    against the quantity they typed, so with something in the basket they speak of both.
    """
    total = already + typed
    problem = rule.problem(total) if rule is not None else ""
    if not problem:
        return "", None
    upper = rule.nearest(total) - already
    if not already:
        return problem, upper
    if total < rule.min_order_quantity:
        return _(
            "With the %(basket)s in your basket, %(quantity)s more makes %(total)s, below the "
            "minimum order of %(minimum)s: add at least %(nearest)s."
        ) % {
            "basket": already,
            "quantity": typed,
            "total": total,
            "minimum": rule.min_order_quantity,
            "nearest": upper,
        }, upper
    lower = total - total % rule.order_multiple - already
    options = [q for q in (lower, upper) if q > 0 and not rule.problem(q + already)]
    return _(
        "With the %(basket)s in your basket, %(quantity)s more makes %(total)s: this is sold "
        "in packs of %(pack)s, so add %(options)s."
    ) % {
        "basket": already,
        "quantity": typed,
        "total": total,
        "pack": rule.order_multiple,
        "options": _(" or ").join(str(q) for q in sorted(set(options))),
    }, upper


def _stock_problem(record, rule, *, already: int) -> tuple[str, int | None]:
    """Why the stock refuses the line, in the stock column's figures, and the largest typed
    quantity the stock and the rule allow (None if there is none)."""
    on_hand = max(record.net_stock_level or 0, 0)  # the figure the stock column shows
    minimum = rule.nearest(1) if rule is not None else 1
    if 0 < on_hand < minimum:
        return _(
            "At least %(minimum)s must be ordered, but only %(available)s are in "
            "stock: ask for a quote with a lead time."
        ) % {"minimum": minimum, "available": on_hand}, None
    largest = on_hand - on_hand % rule.order_multiple if rule is not None else on_hand
    proposal = largest - already if largest >= minimum and largest > already else None
    if not on_hand:
        message = _("Out of stock now.")
    elif not already:
        message = _("Only %(count)s in stock now.") % {"count": on_hand}
    else:
        message = stock_beside_basket(available=on_hand, held=already)
    if record.lead_time_days is not None:
        message += " " + _("More takes %(days)s working days.") % {"days": record.lead_time_days}
    message += " " + (
        _("Order fewer, or ask your account manager.")
        if proposal
        else _("Ask your account manager for a delivery date.")
    )
    return message, proposal


def quick_order_check(
    *, lines: list[ParsedLine], basket, strategy, company_id: int | None = None
) -> list[CheckedLine]:
    """Check every line; nothing is written. Costs a fixed number of queries.

    With ``company_id``, a code that is not our SKU may be the company's part number.
    """
    records = _records_for({line.sku for line in lines if line.ok})
    lines, typed = _part_numbers_to_skus(lines, records, company_id)
    if typed:
        records.update(_records_for(set(typed) - set(records)))
    checked = [CheckedLine(parsed=line, errors=list(line.errors)) for line in lines]
    products = [r.product for r in records.values()]
    part_numbers = partnumber_selectors.part_numbers_for_products(
        company_id=company_id, product_ids=[p.pk for p in products]
    )
    if hasattr(strategy, "prime"):
        strategy.prime(products)
    in_basket = (
        dict(
            basket.lines.filter(product__in=products, quoted_unit_price__isnull=True).values_list(
                "product_id", "quantity"
            )
        )
        if basket.id
        else {}
    )
    suggestions = _suggestions(
        [c.parsed.sku for c in checked if not c.errors and c.parsed.sku not in records]
    )
    uses_part_numbers = any(
        not c.errors and c.parsed.sku not in records for c in checked
    ) and partnumber_selectors.company_has_part_numbers(company_id=company_id)
    for item in checked:
        parsed = item.parsed
        if parsed.merged_lines:
            merged = len(parsed.merged_lines)
            item.notes.append(
                ngettext(
                    "Line %(lines)s had the same SKU as line %(line)s: merged here.",
                    "Lines %(lines)s had the same SKU as line %(line)s: merged here.",
                    merged,
                )
                % {"lines": ", ".join(map(str, parsed.merged_lines)), "line": parsed.line}
            )
        if item.errors:
            continue
        record = records.get(parsed.sku)
        if record is None:
            hint = (
                " " + _("Did you mean %(sku)s?") % {"sku": suggestions[parsed.sku]}
                if parsed.sku in suggestions
                else ""
            )
            item.errors.append(_("Unknown SKU %(sku)s.") % {"sku": parsed.sku} + hint)
            if uses_part_numbers:
                item.errors.append(_("It is not one of your part numbers either."))
            item.suggestion = suggestions.get(parsed.sku, "")
            continue
        item.stockrecord = record
        item.part_number = part_numbers.get(record.product_id, "")
        if parsed.sku in typed:
            item.notes.append(
                _("Your part number %(number)s is our %(sku)s.")
                % {"number": typed[parsed.sku], "sku": record.partner_sku}
            )
        item.stock = stock_info(record, strategy=strategy, product=record.product)
        product = record.product
        if not product.is_public or product.is_parent or record.price is None:
            item.errors.append(
                _("This product cannot be ordered online: ask your account manager.")
            )
            continue
        already = in_basket.get(product.pk, 0)
        total = already + parsed.quantity
        rule = (
            strategy.quantity_rule(product, record) if hasattr(strategy, "quantity_rule") else None
        )
        if rule is not None:
            item.quantity_min = max(rule.nearest(already + 1) - already, 1)
            item.quantity_step = rule.order_multiple
        problem, item.proposed_quantity = _rule_problem(rule, parsed.quantity, already)
        info = strategy.fetch_for_product(product, record)
        if problem:
            proposal = item.proposed_quantity
            if proposal and not info.availability.is_purchase_permitted(already + proposal)[0]:
                # The rule's nearest quantity is beyond the stock: propose what the stock holds.
                message, item.proposed_quantity = _stock_problem(record, rule, already=already)
                problem = f"{problem} {message}"
            item.errors.append(problem)
            continue
        permitted, _reason = info.availability.is_purchase_permitted(total)
        if not permitted:
            message, item.proposed_quantity = _stock_problem(record, rule, already=already)
            item.errors.append(message)
            continue
        price = (
            strategy.pricing_policy(product, record, quantity=total)
            if hasattr(strategy, "book")
            else info.price
        )
        item.unit_price, item.currency = price.excl_tax, price.currency
        if already:
            item.notes.append(
                _("Already %(count)s in your basket: the line becomes %(total)s.")
                % {"count": already, "total": total}
            )
    return checked


@transaction.atomic
def quick_order_add(*, basket, checked: list[CheckedLine]) -> int:
    """Put every valid line into the basket in bulk; return how many lines were added."""
    valid = [c for c in checked if c.ok]
    if not valid:
        return 0
    if basket.id is None:
        basket.save()
    existing = {
        line.product_id: line
        for line in basket.lines.select_for_update(of=("self",)).filter(
            product__in=[c.product for c in valid], quoted_unit_price__isnull=True
        )
    }
    from shop.basket.services import basket_line_price_follow_quantity  # it imports this module

    to_create, to_update = [], []
    for item in valid:
        line = existing.get(item.product.pk)
        if line is not None:
            stored_for = line.quantity
            line.quantity += item.parsed.quantity
            if basket.has_strategy and line.stockrecord_id == item.stockrecord.pk:
                line.product, line.stockrecord = item.product, item.stockrecord  # loaded
                # A tier the added quantity crosses is not "a price change since you added it".
                basket_line_price_follow_quantity(
                    line=line, strategy=basket.strategy, stored_for=stored_for, save=False
                )
            to_update.append(line)
            continue
        to_create.append(
            Line(
                basket=basket,
                line_reference=f"{item.product.pk}_{item.stockrecord.pk}",
                product=item.product,
                stockrecord=item.stockrecord,
                quantity=item.parsed.quantity,
                price_currency=item.currency or item.stockrecord.price_currency,
                price_excl_tax=item.unit_price,
            )
        )
    Line.objects.bulk_create(to_create)
    Line.objects.bulk_update(to_update, ["quantity", "price_excl_tax", "price_incl_tax"])
    cache_basket_bump(basket=basket)  # bulk writes send no signals: the header summary
    basket.reset_offer_applications()
    basket._lines = None  # the cached lines predate the bulk insert
    return len(valid)


# Requisition lists ---------------------------------------------------------------------


class ListError(PortalError):
    """A requisition-list request that cannot be done, with a message for the buyer."""


def _list_name(name: str) -> str:
    """A list's name on one line: runs of spaces, tabs and line breaks become one space."""
    name = " ".join(name.split())[:120]
    try:
        validate_single_line(name)
    except ValidationError as exc:
        raise ListError(
            _("A list's name cannot contain control characters: type the name again.")
        ) from exc
    return name


@transaction.atomic
def requisition_from_basket(*, member, basket, name: str):
    """Save the basket's lines as a new list of the member's."""
    name = _list_name(name)
    if not name:
        raise ListError(_("Give the list a name."))
    if RequisitionList.objects.filter(owner=member.user, name__iexact=name).exists():
        raise ListError(
            _("You already have a list called '%(name)s': choose another name.") % {"name": name}
        )
    lines = list(basket.all_lines()) if basket.id else []
    if not lines:
        raise ListError(_("Your basket is empty: there is nothing to save."))
    requisition = RequisitionList.objects.create(
        company=member.company, owner=member.user, name=name
    )
    quantities: dict[int, int] = {}
    for line in lines:
        quantities[line.product_id] = quantities.get(line.product_id, 0) + line.quantity
    RequisitionLine.objects.bulk_create(
        [
            RequisitionLine(requisition=requisition, product_id=pid, quantity=qty)
            for pid, qty in quantities.items()
        ]
    )
    return requisition


@transaction.atomic
def requisition_update(*, requisition, member, quantities: dict[int, int], shared: bool) -> None:
    """The owner edits quantities (0 removes a line) and sharing."""
    if requisition.owner_id != member.user.pk:
        raise ListError(_("Only the person who made this list can change it."))
    lines = {line.pk: line for line in requisition.lines.select_for_update(of=("self",))}
    changed, removed = [], []
    for line_id, quantity in quantities.items():
        line = lines.get(line_id)
        if line is None:
            continue
        if quantity <= 0:
            removed.append(line.pk)
        elif quantity != line.quantity:
            line.quantity = quantity
            changed.append(line)
    requisition.lines.filter(pk__in=removed).delete()
    if changed:
        RequisitionLine.objects.bulk_update(changed, ["quantity"])
    requisition.is_shared = shared
    requisition.save(update_fields=["is_shared", "updated_at"])


def _check_products(
    *, items: list[tuple[int | None, int, str]], basket, strategy
) -> list[CheckedLine]:
    """Check (product id, quantity, label) items like a quick order, by today's SKUs."""
    product_ids = [pid for pid, _qty, _label in items if pid]
    skus = dict(
        StockRecord.objects.filter(product__in=product_ids).values_list("product_id", "partner_sku")
    )
    parsed = []
    for number, (product_id, quantity, label) in enumerate(items, start=1):
        sku = skus.get(product_id)
        errors = [] if sku else [_("%(product)s is no longer sold.") % {"product": label}]
        parsed.append(ParsedLine(number, (sku or "").upper(), quantity, label, errors))
    return quick_order_check(
        lines=parser.merge_duplicates(parsed), basket=basket, strategy=strategy
    )


def requisition_order(
    *, requisition, basket, strategy, line_ids: set[int] | None = None
) -> list[CheckedLine]:
    """Check the list's lines (all, or the chosen ones) like a quick order and add the ready ones."""
    lines = requisition.lines.select_related("product")
    if line_ids:
        lines = lines.filter(pk__in=line_ids)
    checked = _check_products(
        items=[(line.product_id, line.quantity, line.product.get_title()) for line in lines],
        basket=basket,
        strategy=strategy,
    )
    quick_order_add(basket=basket, checked=checked)
    return checked


@dataclass
class PriceChange:
    title: str
    was: Decimal
    now: Decimal
    currency: str


@dataclass
class ReorderResult:
    checked: list[CheckedLine]
    price_changes: list[PriceChange]

    @property
    def added(self) -> list[CheckedLine]:
        return [c for c in self.checked if c.ok]

    @property
    def refused(self) -> list[CheckedLine]:
        return [c for c in self.checked if not c.ok]


def reorder(*, order, basket, strategy, line_ids: set[int] | None = None) -> ReorderResult:
    """Put a past order's lines (all or chosen) into the basket at today's prices and stock.

    Lines are checked like a quick order (still sold, quantity rules, stock); the ready
    ones are added in bulk. The result says which lines were refused and which cost
    something else today than in the order.
    """
    lines = list(order.lines.order_by("pk"))
    if line_ids:
        lines = [line for line in lines if line.pk in line_ids]
    checked = _check_products(
        items=[(line.product_id, line.quantity, line.title) for line in lines],
        basket=basket,
        strategy=strategy,
    )
    was = {}
    for line in lines:
        if line.product_id and line.unit_price_excl_tax is not None:
            was.setdefault(line.product_id, line.unit_price_excl_tax)
    changes = [
        PriceChange(c.product.get_title(), was[c.product.pk], c.unit_price, c.currency)
        for c in checked
        if c.ok and c.product.pk in was and c.unit_price != was[c.product.pk]
    ]
    quick_order_add(basket=basket, checked=checked)
    return ReorderResult(checked, changes)


@transaction.atomic
def requisition_add(
    *, member, items: dict[int, int], requisition=None, name: str = ""
) -> RequisitionList:
    """Add products (id → quantity) to one of the member's lists, or to a new list named ``name``.

    A product already on the list gets the quantity added to its line.
    """
    items = {pid: qty for pid, qty in items.items() if qty > 0}
    if not items:
        raise ListError(_("There is nothing to add: no product with a quantity."))
    if requisition is None:
        name = _list_name(name)
        if not name:
            raise ListError(_("Choose one of your lists, or give the new list a name."))
        if RequisitionList.objects.filter(owner=member.user, name__iexact=name).exists():
            raise ListError(
                _("You already have a list called '%(name)s': choose it or another name.")
                % {"name": name}
            )
        requisition = RequisitionList.objects.create(
            company=member.company, owner=member.user, name=name
        )
    elif requisition.owner_id != member.user.pk:
        raise ListError(_("Only the person who made this list can add to it."))
    existing = {
        line.product_id: line
        for line in requisition.lines.select_for_update(of=("self",)).filter(
            product_id__in=list(items)
        )
    }
    for product_id, line in existing.items():
        line.quantity = min(line.quantity + items.pop(product_id), parser.MAX_QUANTITY)
    RequisitionLine.objects.bulk_update(list(existing.values()), ["quantity"])
    RequisitionLine.objects.bulk_create(
        [
            RequisitionLine(requisition=requisition, product_id=p, quantity=q)
            for p, q in items.items()
        ]
    )
    requisition.save(update_fields=["updated_at"])
    return requisition
