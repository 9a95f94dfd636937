from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from oscar.apps.basket import views
from oscar.core import ajax
from oscar.core.loading import get_model
from oscar.core.utils import is_ajax

from shop.basket.display import ROW_INPUT_CLASS, UnboundLineInputs, currency_text, input_html
from shop.basket.services import basket_line_price_follow_quantity
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

    def form_invalid(self, form):
        response = super().form_invalid(form)
        # Oscar keeps the refused form in the session for the next page that draws this
        # product's add form, bound, with its error. Product pages, grids and "recently
        # viewed" are cached per price audience: that form was drawn into a cached copy and
        # shown again on later pages (and to colleagues). The message says what was wrong.
        self.request.session.pop(f"add_to_basket_form_post_data_{self.product.pk}", None)
        return response


class BasketView(views.BasketView):
    """Oscar's basket page as a compact table for bulk baskets.

    Each row carries the buyer's stock view and the next price tier; a quantity change
    that crosses a tier is said in a message. Everything is computed from the lines the
    basket already loaded, so the page costs the same queries at 3 lines or 300.
    """

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        strategy = self.request.basket.strategy
        formset = context["formset"]
        labels = (_("Quantity of %(title)s"), _("Remove this line"))  # once, not per row
        if formset.is_bound:  # a refused update: its forms, with what they say is wrong
            pairs = ((form.instance, self._form_inputs(form, labels)) for form in formset)
        else:  # the page as it starts: the forms' tags without building 300 model forms
            tags = UnboundLineInputs(
                formset, strategy=strategy, quantity_label=labels[0], remove_label=labels[1]
            )
            lines = formset.get_queryset()
            pairs = ((line, tags(index, line)) for index, line in enumerate(lines))
        rows, units, lead_times = [], 0, {}
        for line, inputs in pairs:
            if not line.pk:
                continue
            units += line.quantity
            row = self._row(line, strategy, inputs)
            if row["stock"]:  # a handful of lead times: each put into words once
                days = row["stock"].lead_time_days
                if days not in lead_times:
                    lead_times[days] = row["stock"].lead_time
                row["lead_time"] = lead_times[days]
            rows.append(row)
        editable = sum(1 for row in rows if row["line"].quoted_unit_price is None)
        context.update(rows=rows, basket_units=units, editable_lines=editable)
        return context

    @staticmethod
    def _form_inputs(form, labels) -> dict:
        """A bound line form's tags (as ``UnboundLineInputs`` gives them) and its errors."""
        line = form.instance
        inputs = {
            "quantity_name": form["quantity"].html_name,
            "errors": [error for errors in form.errors.values() for error in errors],
            "id_input": input_html(form["id"]),
        }
        if line.pk and line.quoted_unit_price is None:
            quantity = form["quantity"]
            css = quantity.field.widget.attrs.get("class")
            quantity_label, remove_label = labels
            label = mark_safe(  # noqa: S308 - the title is escaped, as blocktranslate does
                quantity_label % {"title": conditional_escape(line.product.get_title())}
            )
            inputs["quantity_input"] = input_html(
                quantity,
                {
                    "class": f"{css} {ROW_INPUT_CLASS}" if css else ROW_INPUT_CLASS,
                    "aria-label": label,
                },
            )
            inputs["delete_input"] = input_html(form["DELETE"], {"aria-label": remove_label})
        return inputs

    @staticmethod
    def _row(line, strategy, inputs: dict) -> dict:
        """One table row: its amounts as text and its inputs as HTML, built in Python.

        ``shop.basket.display.row_html`` puts them into the row's markup: widget templates,
        the currency filter and template nodes per row were most of a 300-line page's time.
        """
        currency = line.price_currency
        row = {"line": line, "stock": None, "next_tier": None, "list_price": None, **inputs}
        if not row["errors"] and line.quoted_unit_price is None:
            # Stock fell below the line since it was added: the row says so before checkout.
            availability = line.purchase_info.availability
            available = getattr(availability, "num_available", None)
            if available is not None and line.quantity > available:
                permitted, reason = availability.is_purchase_permitted(line.quantity)
                if not permitted:
                    row["errors"] = [reason]
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
        unit = line.unit_price_excl_tax
        total = line.line_price_excl_tax
        row["unit_price_text"] = None if unit is None else currency_text(unit, currency)
        row["list_price_text"] = (
            None if row["list_price"] is None else currency_text(row["list_price"], currency)
        )
        row["next_tier_text"] = (
            None
            if row["next_tier"] is None
            else (row["next_tier"][0], currency_text(row["next_tier"][1], currency))
        )
        row["line_total_text"] = None if total is None else currency_text(total, currency)
        row["line_tax_text"] = (
            currency_text(line.line_tax, currency)
            if total is not None and line.is_tax_known
            else None
        )
        return row

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
        removed = [
            form.instance
            for form in formset
            if form.instance.pk and formset._should_delete_form(form)
        ]
        moving = any(form.cleaned_data.get("save_for_later") for form in formset)
        response = super().formset_valid(formset)
        if removed and not moving:  # lines saved for later get Oscar's own message
            messages.success(self.request, self._removed_message(removed))
        for form in formset:
            line = form.instance
            if line.pk not in before or not line.quantity or line.quoted_unit_price is not None:
                continue
            price = strategy.pricing_policy(line.product, line.stockrecord, quantity=line.quantity)
            old_price, old_quantity = before[line.pk]
            # The buyer's own tier change: not "the price has changed since you added it".
            basket_line_price_follow_quantity(line=line, strategy=strategy, stored_for=old_quantity)
            if price.exists and price.excl_tax != old_price:
                messages.info(
                    self.request,
                    _(
                        "%(title)s: %(quantity)s units now cost %(price)s each "
                        "(%(old_price)s at %(old_quantity)s)."
                    )
                    % {
                        "title": line.product.get_title(),
                        "quantity": line.quantity,
                        "price": currency_text(price.excl_tax, price.currency),
                        "old_price": currency_text(old_price, price.currency),
                        "old_quantity": old_quantity,
                    },
                )
        return response

    def formset_invalid(self, formset):
        """A refused update saves nothing: Oscar deleted the ticked lines all the same.

        The page comes back with the buyer's entries (Remove still ticked), the rows to
        fix marked, and a message naming them and saying that nothing was changed.
        """
        to_fix = [
            form
            for form in formset
            if form.instance.pk and form.errors and not formset._should_delete_form(form)
        ]
        flash_messages = ajax.FlashMessages()
        flash_messages.error(self._refused_message(to_fix))
        if is_ajax(self.request):
            context = self.get_context_data(formset=formset, basket=self.request.basket)
            return self.json_response(context, flash_messages)
        flash_messages.apply_to_request(self.request)
        # extra_views' render of the bound formset, without Oscar's deletions
        return super(views.BasketView, self).formset_invalid(formset)

    @staticmethod
    def _refused_message(forms) -> str:
        """Nothing was changed, and which lines to correct."""
        if not forms:
            return _(
                "Nothing in your basket was changed: correct the errors below and update again."
            )
        names = ", ".join(
            _("%(product)s (%(sku)s)") % BasketView._line_name(form.instance) for form in forms
        )
        return ngettext(
            "Nothing in your basket was changed: correct the line %(lines)s and update again.",
            "Nothing in your basket was changed: correct the lines %(lines)s and update again.",
            len(forms),
        ) % {"lines": names}

    @staticmethod
    def _line_name(line) -> dict:
        sku = line.stockrecord.partner_sku if line.stockrecord_id else line.product.upc
        return {"product": line.product.get_title(), "sku": sku}

    @staticmethod
    def _removed_message(lines) -> str:
        """What the update took out of the basket: the product, or how many lines."""
        if len(lines) == 1:
            return _("Removed from your basket: %(product)s (%(sku)s).") % BasketView._line_name(
                lines[0]
            )
        return ngettext(
            "%(count)s line removed from your basket.",
            "%(count)s lines removed from your basket.",
            len(lines),
        ) % {"count": len(lines)}
