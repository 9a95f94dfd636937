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


class BasketView(views.BasketView):
    """Oscar's basket page, saying when a quantity change moved a line to another price tier."""

    def formset_valid(self, formset):
        strategy = self.request.basket.strategy
        before = {}
        if hasattr(strategy, "book"):
            for form in formset:
                line, old_quantity = form.instance, form.initial.get("quantity")
                if line.pk and old_quantity and form.has_changed() and line.stockrecord_id:
                    old = strategy.pricing_policy(
                        line.product, line.stockrecord, quantity=old_quantity
                    )
                    if old.exists:
                        before[line.pk] = (old.excl_tax, old_quantity)
        response = super().formset_valid(formset)
        for form in formset:
            line = form.instance
            if line.pk not in before or not line.quantity or line.quoted_unit_price is not None:
                continue
            price = strategy.pricing_policy(line.product, line.stockrecord, quantity=line.quantity)
            old_price, old_quantity = before[line.pk]
            if price.exists and price.excl_tax != old_price:
                messages.info(
                    self.request,
                    f"{line.product.get_title()}: {line.quantity} units now cost "
                    f"{price.excl_tax} {price.currency} each (was {old_price} at {old_quantity}).",
                )
        return response
