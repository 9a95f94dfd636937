"""Oscar's basket formsets; a quoted line is never deleted from the basket table."""

from django.forms.models import modelformset_factory
from oscar.apps.basket import formsets as oscar_formsets
from oscar.apps.basket.formsets import *  # noqa: F403
from oscar.core.loading import get_class, get_model

Line = get_model("basket", "line")
BasketLineForm = get_class("basket.forms", "BasketLineForm")


class BaseBasketLineFormSet(oscar_formsets.BaseBasketLineFormSet):
    def _should_delete_form(self, form):
        if form.instance.id and form.instance.quoted_unit_price is not None:
            return False  # locked by a quote: the form says why instead
        return super()._should_delete_form(form)


BasketLineFormSet = modelformset_factory(
    Line, form=BasketLineForm, formset=BaseBasketLineFormSet, extra=0, can_delete=True
)
