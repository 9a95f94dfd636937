from django.urls import reverse
from oscar.apps.checkout import exceptions, session

from shop.companies.permissions import ordering_refusal


class CheckoutSessionMixin(session.CheckoutSessionMixin):
    """Oscar's checkout session, refusing company members whose role cannot order."""

    def check_pre_conditions(self, request):
        refusal = ordering_refusal(member=getattr(request, "company_member", None))
        if refusal:
            raise exceptions.FailedPreCondition(url=reverse("basket:summary"), message=refusal)
        super().check_pre_conditions(request)
