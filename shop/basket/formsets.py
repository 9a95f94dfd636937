"""Oscar's basket formsets; a quoted line is never deleted from the basket table.

Validating an update of a 300-line basket asked the database twice per line: Django's
hidden line id looks its line up, and Oscar sums the basket's lines of the same stock
record. Both answers are read once for the whole formset here.
"""

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.forms.models import ModelChoiceField, modelformset_factory
from django.utils.functional import cached_property
from oscar.apps.basket import formsets as oscar_formsets
from oscar.apps.basket.formsets import *  # noqa: F403
from oscar.core.loading import get_class, get_model

Line = get_model("basket", "line")
BasketLineForm = get_class("basket.forms", "BasketLineForm")


class LoadedLineChoiceField(ModelChoiceField):
    """The hidden line id: a line the basket has loaded is taken as loaded, others as Django does."""

    def __init__(self, *args, loaded: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.loaded = loaded

    def to_python(self, value):
        if value not in self.empty_values and not self.to_field_name:
            try:
                line = self.loaded.get(self.queryset.model._meta.pk.to_python(value))
            except ValidationError:
                line = None  # Django's lookup below says what is wrong with it
            if line is not None:
                return line
        return super().to_python(value)


class BaseBasketLineFormSet(oscar_formsets.BaseBasketLineFormSet):
    def _should_delete_form(self, form):
        if form.instance.id and form.instance.quoted_unit_price is not None:
            return False  # locked by a quote: the form says why instead
        return super()._should_delete_form(form)

    def __getitem__(self, index):
        # A template's ``{{ formset.management_form }}`` tries ``formset["management_form"]``
        # first: Django's formset built every form to refuse the string. The same refusal,
        # before the 300 forms the basket page's GET does not need.
        if isinstance(index, str):
            raise TypeError(f"formset indices must be integers, not {index!r}")
        return super().__getitem__(index)

    @cached_property
    def forms(self):
        # Each line's form asks the basket for its allowed maximum (Oscar's
        # BasketLineForm.__init__), which sums every line: asked once while they are built.
        basket = self._basket()
        if basket is None:
            return super().forms
        basket.max_allowed_quantity_known = basket.max_allowed_quantity()
        try:
            return super().forms
        finally:
            basket.max_allowed_quantity_known = None

    def _basket(self):
        line = next(iter(self.get_queryset()), None)
        return line.basket if line is not None else None

    @cached_property
    def _lines_by_pk(self) -> dict:
        return {line.pk: line for line in self.get_queryset()}

    def add_fields(self, form, index):
        super().add_fields(form, index)
        field = form.fields.get(self._pk_field.name)
        if self.is_bound and type(field) is ModelChoiceField:  # only a POST validates ids
            form.fields[self._pk_field.name] = LoadedLineChoiceField(
                field.queryset,
                initial=field.initial,
                required=field.required,
                widget=field.widget,
                loaded=self._lines_by_pk,
            )

    def full_clean(self):
        basket = self._basket() if self.is_bound else None
        if basket is None or basket.id is None:
            return super().full_clean()
        # Oscar's Basket.basket_quantity(line), for every stock record in one query.
        basket.stock_record_quantities = dict(
            basket.lines.order_by()
            .values_list("stockrecord_id")
            .annotate(quantity=Sum("quantity"))
            .values_list("stockrecord_id", "quantity")
        )
        try:
            return super().full_clean()
        finally:
            basket.stock_record_quantities = None


BasketLineFormSet = modelformset_factory(
    Line, form=BasketLineForm, formset=BaseBasketLineFormSet, extra=0, can_delete=True
)
