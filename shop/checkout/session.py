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
