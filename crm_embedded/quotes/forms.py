import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm_embedded.quotes.services import MAX_PRICE, MAX_QUANTITY, RequestItem
from shop.money import money_round
from shop.validators import TextGuardMixin
from shop.widgets import DateInput


class RequestForm(TextGuardMixin, forms.Form):
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        label=_("Note for your account manager"),
    )
    needed_by = forms.DateField(required=False, widget=DateInput(), label=_("Needed by"))
    delivery_address = forms.ChoiceField(required=False, label=_("Deliver to"))

    def __init__(self, *args, addresses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivery_address"].choices = [("", _("— our default address —"))] + [
            (str(a.pk), str(a)) for a in addresses
        ]

    def clean_needed_by(self):
        value = self.cleaned_data.get("needed_by")
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("This date is in the past: choose a later one."))
        return value


class MessageForm(TextGuardMixin, forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        label=_("Message"),
        error_messages={
            "required": _("Write a message first (up to 4,000 characters)."),
            "max_length": _("Keep the message to 4,000 characters (it has %(show_value)d)."),
        },
    )
    line = forms.IntegerField(required=False, widget=forms.HiddenInput)


class TermsForm(TextGuardMixin, forms.Form):
    valid_until = forms.DateField(
        required=False,
        widget=DateInput(),
        label=_("Valid until"),
        error_messages={
            "invalid": _("Give the validity as a date (dd.mm.yyyy or the date picker).")
        },
    )
    terms = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, label=_("Terms")
    )


class ApprovalDecisionForm(TextGuardMixin, forms.Form):
    """A sales manager's answer to an approval request; a refusal says why."""

    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))], widget=forms.HiddenInput
    )
    reason = forms.CharField(
        required=False, max_length=1000, label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and not (data.get("reason") or "").strip():
            self.add_error(
                "reason", _("Say why you refuse: the account manager reads it to change the offer.")
            )
        return data


# Money and whole numbers as people type them ------------------------------------------------

WHOLE = re.compile(r"-?[0-9]{1,9}")  # ASCII digits only: "²" passes isdigit() but is no number


class AmountField(forms.DecimalField):
    """A price or percentage; a decimal comma is read as a point (12,50 is 12.50)."""

    default_error_messages = {
        "invalid": _("Prices and percentages must be numbers such as 12.50 or 15."),
    }

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


class QuantityField(forms.IntegerField):
    """A whole number of units (plain digits: "²" or "1.5" are refused)."""

    default_error_messages = {
        "invalid": _("'%(value)s' is not a quantity: use a whole number."),
    }

    def to_python(self, value):
        text = str(value).strip() if value is not None else ""
        if not text:
            return None
        if not WHOLE.fullmatch(text):
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": text[:20]}
            )
        return int(text)


# Staff: the draft's lines, a line by SKU, rejecting --------------------------------------


class QuoteLineForm(forms.Form):
    """One draft line: its quantity (0 removes it), and an offered price or a percentage off."""

    line = forms.IntegerField(widget=forms.HiddenInput)
    quantity = QuantityField(
        required=False,
        min_value=0,
        label=_("Quantity"),
        error_messages={
            "invalid": _("'%(value)s' is not a quantity: use a whole number (0 removes)."),
            "min_value": _("A quantity cannot be negative: use 0 to remove the line."),
        },
    )
    unit_price = AmountField(required=False, label=_("Offered unit price"))
    percent_off = AmountField(required=False, label=_("Percent off list"))

    def __init__(self, *args, line=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.quote_line = line
        sku = line.sku if line is not None else ""
        for name, label, width in (
            ("quantity", _("Quantity of %(sku)s"), "6em"),
            ("unit_price", _("Offered price of %(sku)s"), "7em"),
            ("percent_off", _("Percent off list of %(sku)s"), "5em"),
        ):
            self.fields[name].widget = forms.TextInput(
                attrs={
                    "class": "form-control form-control-sm",
                    "style": f"width:{width}",
                    "aria-label": label % {"sku": sku},
                }
            )

    def change(self) -> tuple[int, dict] | None:
        """(line id, the change for quote_lines_update), or None for an empty row."""
        data = self.cleaned_data
        if not data.get("line"):
            return None
        change = {}
        if data.get("quantity") is not None:
            change["quantity"] = data["quantity"]
        if data.get("percent_off") is not None:
            # The price field is pre-filled with the current price: a percentage replaces it.
            change["percent_off"] = data["percent_off"]
        elif data.get("unit_price") is not None:
            change["unit_price"] = data["unit_price"]
        return data["line"], change


class BaseQuoteLineFormSet(forms.BaseFormSet):
    """The draft's lines, one form each, in the quote's order."""

    def __init__(self, *args, lines=(), **kwargs):
        self.lines = list(lines)
        kwargs.setdefault(
            "initial",
            [
                {"line": line.pk, "quantity": line.quantity, "unit_price": line.offered_price}
                for line in self.lines
            ],
        )
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["line"] = (
            self.lines[index] if index is not None and index < len(self.lines) else None
        )
        return kwargs

    def changes(self) -> dict[int, dict]:
        """Line id -> change, for quote_lines_update."""
        result = {}
        for form in self.forms:
            item = form.change()
            if item is not None:
                result[item[0]] = item[1]
        return result


QuoteLineFormSet = forms.formset_factory(
    QuoteLineForm, formset=BaseQuoteLineFormSet, extra=0, max_num=500, validate_max=True
)


class LineAddForm(TextGuardMixin, forms.Form):
    sku = forms.CharField(
        max_length=64,
        label=_("SKU"),
        error_messages={"required": _("Give the SKU of the product to add.")},
    )
    quantity = QuantityField(
        min_value=1,
        initial=1,
        label=_("Quantity"),
        error_messages={
            "invalid": _("The quantity must be a whole number from 1."),
            "min_value": _("The quantity must be a whole number from 1."),
            "required": _("The quantity must be a whole number from 1."),
        },
    )


class RejectForm(TextGuardMixin, forms.Form):
    text = forms.CharField(
        max_length=4000,
        label=_("Reason for the buyer"),
        error_messages={
            "required": _("Say why the request is rejected: the buyer sees the reason.")
        },
    )


class StaffMessageForm(MessageForm):
    internal = forms.BooleanField(
        required=False, label=_("Internal note (staff only, no email to the buyer)")
    )


# Buyer: the lines of a request, and the text of an answer ---------------------------------


class BuyerActionForm(TextGuardMixin, forms.Form):
    """Why the buyer declines or cancels, or what should change (the service says if needed)."""

    text = forms.CharField(required=False, max_length=4000, widget=forms.Textarea)


class TargetPriceField(AmountField):
    """A buyer's target unit price: a number we can quote, not negative."""

    def __init__(self, *, product_title: str, **kwargs):
        self.product_title = product_title
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        text = (value or "").strip() if isinstance(value, str) else value
        try:
            return super().to_python(value)
        except forms.ValidationError:
            raise forms.ValidationError(
                _("%(what)s: '%(value)s' is not an amount."),
                code="invalid",
                params={"what": self.product_title, "value": str(text)[:20]},
            ) from None

    def validate(self, value):
        if value is None:
            return
        if not value.is_finite() or value >= MAX_PRICE:
            raise forms.ValidationError(
                _("%(what)s: '%(value)s' is not a price we can quote (up to %(max)s)."),
                code="too_large",
                params={"what": self.product_title, "value": str(value)[:20],
                        "max": f"{MAX_PRICE:,}"},
            )  # fmt: skip
        if value < 0:
            raise forms.ValidationError(
                _("%(what)s: a target price cannot be negative."),
                code="negative",
                params={"what": self.product_title},
            )

    def clean(self, value):
        value = super().clean(value)
        return money_round(value) if value is not None else None


class RequestLinesForm(forms.Form):
    """The lines of a request: which basket lines (or the product's quantity) and target prices.

    ``rows`` are dicts with "key" ("product" or a basket line id) and "product"; the fields
    keep the names the pages and links use: quantity_product, line_<key>, target_<key>.
    """

    def __init__(self, *args, rows=(), source="product", **kwargs):
        super().__init__(*args, **kwargs)
        self.rows, self.source = list(rows), source
        for row in self.rows:
            key, title = row["key"], row["product"].get_title()
            if source == "basket":
                self.fields[f"line_{key}"] = forms.BooleanField(required=False, initial=True)
                self.fields[f"line_{key}"].widget.attrs["aria-label"] = _("Quote %(title)s") % {
                    "title": title
                }
            else:
                self.fields["quantity_product"] = QuantityField(
                    min_value=1,
                    initial=row["quantity"],
                    error_messages={
                        "invalid": _("%(product)s: the quantity must be a whole number from 1.")
                        % {"product": title},
                        "min_value": _("%(product)s: the quantity must be a whole number from 1.")
                        % {"product": title},
                        "required": _("%(product)s: the quantity must be a whole number from 1.")
                        % {"product": title},
                    },
                    widget=forms.NumberInput(
                        attrs={"min": 1, "step": 1, "class": "form-control form-control-sm",
                               "style": "width:8em", "aria-label": _("Quantity")}
                    ),
                )  # fmt: skip
            self.fields[f"target_{key}"] = TargetPriceField(
                product_title=title,
                widget=forms.TextInput(
                    attrs={"class": "form-control form-control-sm", "style": "width:9em",
                           "placeholder": _("e.g. 9.50"),
                           "aria-label": _("Target price of %(title)s") % {"title": title}}
                ),
            )  # fmt: skip

    def bound_rows(self) -> list[dict]:
        """The rows, each with its bound fields ("choose", "quantity", "target")."""
        for row in self.rows:
            key = row["key"]
            row["choose"] = self[f"line_{key}"] if self.source == "basket" else None
            row["quantity_field"] = self["quantity_product"] if self.source == "product" else None
            row["target_field"] = self[f"target_{key}"]
        return self.rows

    def items(self) -> tuple[list, set[int]]:
        """(RequestItems for the service, the chosen basket line ids) from valid data."""
        data = self.cleaned_data
        items, chosen = [], set()
        for row in self.rows:
            key = row["key"]
            if self.source == "basket":
                if not data.get(f"line_{key}"):
                    continue
                chosen.add(int(key))
                quantity = int(row["quantity"])
            else:
                quantity = data["quantity_product"]
            items.append(RequestItem(row["product"].pk, quantity, data.get(f"target_{key}")))
        return items, chosen


class RequestSourceForm(forms.Form):
    """What a request is about, from the link or the page: one product (and a quantity)."""

    product = forms.IntegerField(required=False, min_value=1)
    quantity = forms.IntegerField(required=False, min_value=1, max_value=MAX_QUANTITY)
