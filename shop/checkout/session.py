from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.apps.checkout import exceptions, session

from shop.checkout.payment import payment_refusal
from shop.companies.permissions import ordering_refusal


class CheckoutSessionMixin(session.CheckoutSessionMixin):
    """Oscar's checkout session, refusing roles that cannot order, buyers with no way to pay,
    and quotes past validity."""

    def check_pre_conditions(self, request):
        member = getattr(request, "company_member", None)
        refusal = ordering_refusal(member=member) or payment_refusal(member=member)
        if refusal:
            raise exceptions.FailedPreCondition(url=reverse("basket:summary"), message=refusal)
        today = timezone.localdate()
        references = {line.quote_reference for line in request.basket.all_lines()} - {""}
        if len(references) > 1:
            raise exceptions.FailedPreCondition(
                url=reverse("basket:summary"),
                message=(
                    _(
                        "Your basket holds several quotes (%(quotes)s): an order carries one. "
                        "Cancel all but one on their pages, then check out."
                    )
                    % {"quotes": ", ".join(sorted(references))}
                ),
            )
        for line in request.basket.all_lines():
            if line.quote_valid_until and line.quote_valid_until < today:
                raise exceptions.FailedPreCondition(
                    url=reverse("basket:summary"),
                    message=(
                        _(
                            "The prices of quote %(quote)s were valid until %(date)s: cancel it "
                            "on its page and ask your account manager for a new one."
                        )
                        % {
                            "quote": line.quote_reference,
                            "date": f"{line.quote_valid_until:%d.%m.%Y}",
                        }
                    ),
                )
        super().check_pre_conditions(request)

    def check_basket_is_valid(self, request):
        """Oscar's check that every line can still be bought, said as whole sentences.

        Oscar wrapped the stock check's reason in brackets; ours are sentences already
        ("Only 5 in stock: order up to 5."), and the line is named with its SKU.
        """
        problems = []
        for line in request.basket.all_lines():
            result = request.strategy.fetch_for_line(line)
            permitted, reason = result.availability.is_purchase_permitted(line.quantity)
            if permitted:
                continue
            reason = str(reason or _("It cannot be bought now.")).strip()
            reason = reason[:1].upper() + reason[1:]
            if not reason.endswith((".", "!", "?")):
                reason += "."
            record = line.stockrecord
            problems.append(
                _("%(title)s (%(sku)s): %(reason)s Change it in your basket to check out.")
                % {
                    "title": line.product.get_title(),
                    "sku": record.partner_sku if record is not None else "-",
                    "reason": reason,
                }
            )
        if problems:
            raise exceptions.FailedPreCondition(url=reverse("basket:summary"), messages=problems)
