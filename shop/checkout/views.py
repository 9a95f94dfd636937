"""Oscar's checkout, recording the buyer's company, any staff member acting for them, and the
accepted quote the basket carries (an order per quote at most: a unique constraint)."""

from django.db import IntegrityError
from oscar.apps.checkout import views
from oscar.apps.order.exceptions import UnableToPlaceOrder
from oscar.core.loading import get_model

Order = get_model("order", "Order")


class PaymentDetailsView(views.PaymentDetailsView):
    def build_submission(self, **kwargs):
        submission = super().build_submission(**kwargs)
        member = getattr(self.request, "company_member", None)
        if member is not None:
            submission["order_kwargs"]["company"] = member.company
        staff = getattr(self.request, "acting_staff", None)
        if staff is not None:
            submission["order_kwargs"]["placed_by_staff"] = staff
        references = {
            line.quote_reference
            for line in submission["basket"].all_lines()
            if line.quote_reference
        }
        if references:
            submission["order_kwargs"]["quote_reference"] = sorted(references)[0]
        return submission

    def handle_order_placement(self, order_number, user, basket, *args, **kwargs):
        reference = kwargs.get("quote_reference", "")
        if reference and Order.objects.filter(quote_reference=reference).exists():
            raise UnableToPlaceOrder(
                f"Quote {reference} has already been ordered: it converts into one order only."
            )
        try:
            return super().handle_order_placement(order_number, user, basket, *args, **kwargs)
        except IntegrityError as exc:
            # The race backstop: two checkouts of one quote at once (PostgreSQL names the
            # constraint, SQLite the column).
            if reference and (
                "order_one_order_per_quote" in str(exc) or "quote_reference" in str(exc)
            ):
                raise UnableToPlaceOrder(
                    f"Quote {reference} has already been ordered: it converts into one order only."
                ) from exc
            raise
