from django.contrib import admin

from shop.tax.models import ProductClassTax, TaxExemption, TaxRate


@admin.register(TaxRate)
class TaxRateAdmin(admin.ModelAdmin):
    list_display = ("country", "region", "tax_class", "rate", "valid_from", "valid_until")
    list_filter = ("country", "tax_class")
    search_fields = ("country", "region")


@admin.register(ProductClassTax)
class ProductClassTaxAdmin(admin.ModelAdmin):
    list_display = ("product_class", "tax_class")
    list_select_related = ("product_class",)


@admin.register(TaxExemption)
class TaxExemptionAdmin(admin.ModelAdmin):
    list_display = ("company", "certificate_number", "valid_until")
    list_select_related = ("company",)
    search_fields = ("company__legal_name", "certificate_number")
    raw_id_fields = ("company",)
