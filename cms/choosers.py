"""Admin choosers for shop products and categories, used by the content blocks."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.chooser import ChooserViewSet

from shop.catalogue import selectors as catalogue_selectors
from shop.validators import TextGuardMixin


class _SearchForm(TextGuardMixin, BaseFilterForm):
    q = forms.CharField(
        label=_("Search term"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Name or SKU")}),
    )

    def filter(self, objects):
        query = (self.cleaned_data.get("q") or "").strip()[:100]
        self.is_searching = bool(query)
        self.search_query = query
        return self.search(objects, query) if query else objects

    def search(self, objects, query):
        raise NotImplementedError


class ProductSearchForm(_SearchForm):
    def search(self, objects, query):
        return catalogue_selectors.product_choices(query=query)


class CategorySearchForm(_SearchForm):
    def search(self, objects, query):
        return objects.filter(name__icontains=query)


class _ProductChooseMixin:
    filter_form_class = ProductSearchForm

    def get_object_list(self):
        return catalogue_selectors.product_choices(query="")

    @property
    def columns(self):
        return super().columns + [Column("upc", label=_("SKU"))]


class ProductChooseView(_ProductChooseMixin, ChooseView):
    pass


class ProductChooseResultsView(_ProductChooseMixin, ChooseResultsView):
    pass


class _CategoryChooseMixin:
    filter_form_class = CategorySearchForm

    def get_object_list(self):
        return catalogue_selectors.category_choices()


class CategoryChooseView(_CategoryChooseMixin, ChooseView):
    pass


class CategoryChooseResultsView(_CategoryChooseMixin, ChooseResultsView):
    pass


class ProductChooserViewSet(ChooserViewSet):
    model = "catalogue.Product"
    icon = "tag"
    choose_one_text = _("Choose a product")
    choose_another_text = _("Choose another product")
    choose_view_class = ProductChooseView
    choose_results_view_class = ProductChooseResultsView


class CategoryChooserViewSet(ChooserViewSet):
    model = "catalogue.Category"
    icon = "folder-open-inverse"
    choose_one_text = _("Choose a category")
    choose_another_text = _("Choose another category")
    choose_view_class = CategoryChooseView
    choose_results_view_class = CategoryChooseResultsView


product_chooser_viewset = ProductChooserViewSet("product_chooser", url_prefix="shop-products")
category_chooser_viewset = CategoryChooserViewSet("category_chooser", url_prefix="shop-categories")
