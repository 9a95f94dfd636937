from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from oscar.apps.basket import views
from oscar.core.loading import get_model

from shop.companies.permissions import ordering_refusal
from shop.partner.stock import stock_info

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
    """Oscar's basket page as a compact table for bulk baskets.

    Each row carries the buyer's stock view and the next price tier; a quantity change
    that crosses a tier is said in a message. Everything is computed from the lines the
    basket already loaded, so the page costs the same queries at 3 lines or 300.
    """

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        strategy = self.request.basket.strategy
        rows, units = [], 0
        for form in context["formset"]:
            line = form.instance
            if not line.pk:
                continue
            units += line.quantity
            row = {"form": form, "line": line, "stock": None, "next_tier": None, "list_price": None}
            if line.stockrecord_id:
                row["stock"] = stock_info(line.stockrecord, strategy=strategy, product=line.product)
                if line.quoted_unit_price is None and hasattr(strategy, "resolve"):
                    resolved = strategy.resolve(line.product, line.stockrecord, line.quantity)
                    if resolved is not None:
                        row["next_tier"] = next(
                            ((q, p) for q, p in resolved.tiers if q > line.quantity), None
                        )
                        if resolved.is_discounted:
                            row["list_price"] = resolved.list_price
            rows.append(row)
        editable = sum(1 for row in rows if row["line"].quoted_unit_price is None)
        context.update(rows=rows, basket_units=units, editable_lines=editable)
        return context

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
