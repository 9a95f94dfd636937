from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from oscar.apps.basket import views
from oscar.core.loading import get_model

from shop.companies.permissions import ordering_refusal

Product = get_model("catalogue", "Product")


class BasketAddView(views.BasketAddView):
    """Oscar's add-to-basket, refusing company members whose role cannot order."""

    def post(self, request, *args, **kwargs):
        refusal = ordering_refusal(member=getattr(request, "company_member", None))
        if refusal:
            messages.error(request, refusal)
            return redirect(get_object_or_404(Product, pk=kwargs["pk"]).get_absolute_url())
        return super().post(request, *args, **kwargs)
