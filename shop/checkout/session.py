from django.urls import reverse
from django.utils import timezone
from oscar.apps.checkout import exceptions, session

from shop.companies.permissions import ordering_refusal


class CheckoutSessionMixin(session.CheckoutSessionMixin):
    """Oscar's checkout session, refusing roles that cannot order and quotes past validity."""

    def check_pre_conditions(self, request):
        refusal = ordering_refusal(member=getattr(request, "company_member", None))
        if refusal:
            raise exceptions.FailedPreCondition(url=reverse("basket:summary"), message=refusal)
        today = timezone.localdate()
        references = {line.quote_reference for line in request.basket.all_lines()} - {""}
        if len(references) > 1:
            raise exceptions.FailedPreCondition(
                url=reverse("basket:summary"),
                message=(
                    f"Your basket holds several quotes ({', '.join(sorted(references))}): an order "
                    "carries one. Cancel all but one on their pages, then check out."
                ),
            )
        for line in request.basket.all_lines():
            if line.quote_valid_until and line.quote_valid_until < today:
                raise exceptions.FailedPreCondition(
                    url=reverse("basket:summary"),
                    message=(
                        f"The prices of quote {line.quote_reference} were valid until "
                        f"{line.quote_valid_until:%d.%m.%Y}: cancel it on its page and ask your "
                        "account manager for a new one."
                    ),
                )
        super().check_pre_conditions(request)
