"""Demo quotes for seed_demo: a new request and an offer waiting for the buyer (idempotent)."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from crm_embedded.quotes.models import Quote, QuoteEvent, QuoteLine, QuoteVersion
from crm_embedded.quotes.states import State
from shop.catalogue.selectors import products_priced
from shop.companies.selectors import audience_companies, company_members


@transaction.atomic
def quotes_ensure() -> int:
    """Give the first demo company two quotes if it has none; return how many were made."""
    company = audience_companies().filter(slug="rheinland-auto").first()
    if company is None or company.quotes.exists():
        return 0
    buyer = company_members(company=company).filter(role="buyer").order_by("pk").first()
    records = products_priced(limit=4)
    if buyer is None or len(records) < 4:
        return 0
    today = timezone.localdate()
    made = 0
    for index, (state, pair) in enumerate(
        [(State.REQUESTED, records[:2]), (State.OFFERED, records[2:])]
    ):
        quote = Quote.objects.create(
            number=f"tmp-demo-{index}", company=company, requested_by=buyer.user,
            account_manager=company.account_manager, state=state, currency="EUR",
            note="Demo: yearly need for our workshops, two deliveries.",
            needed_by=today + timedelta(days=30),
        )  # fmt: skip
        quote.number = f"Q-{quote.pk:06d}"
        lines = [
            QuoteLine(
                quote=quote, product=r.product, sku=r.sku, title=r.product.get_title(),
                quantity=(index + 1) * 50, list_price=r.price, contract_price=r.price,
                target_price=(r.price * Decimal("0.85")).quantize(Decimal("0.01")),
                offered_price=(r.price * Decimal("0.9")).quantize(Decimal("0.01"))
                if state == State.OFFERED else None,
            )
            for r in pair
        ]  # fmt: skip
        QuoteLine.objects.bulk_create(lines)
        QuoteEvent.objects.create(quote=quote, by=buyer.user, to_state=State.REQUESTED,
                                  text="Request for quote")  # fmt: skip
        if state == State.OFFERED:
            quote.valid_until = today + timedelta(days=14)
            quote.offered_at = timezone.now()
            QuoteVersion.objects.create(
                quote=quote, number=1, sent_at=quote.offered_at, sent_by=company.account_manager,
                valid_until=quote.valid_until, currency="EUR", terms="Delivery within 10 working days.",
                total=sum((x.offered_price * x.quantity for x in lines), Decimal(0)),
                lines=[{"sku": x.sku, "title": x.title, "quantity": x.quantity,
                        "list_price": str(x.list_price), "unit_price": str(x.offered_price),
                        "line_total": str(x.offered_price * x.quantity), "product_id": x.product_id}
                       for x in lines],
            )  # fmt: skip
            QuoteEvent.objects.create(quote=quote, by=company.account_manager,
                                      from_state=State.REQUESTED, to_state=State.OFFERED,
                                      text="Offer sent")  # fmt: skip
        quote.save()
        if state == State.REQUESTED:
            # Asked five days ago and still unanswered: past the response target, so the
            # account manager's cockpit has it among the accounts needing attention.
            asked = timezone.now() - timedelta(days=5)
            Quote.objects.filter(pk=quote.pk).update(created_at=asked)
            QuoteEvent.objects.filter(quote=quote).update(at=asked)
        made += 1
    return made
