from django.contrib import admin

from shop.tax.models import OrderTaxRecord, ProductClassTax, TaxExemption, TaxRate


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


@admin.register(OrderTaxRecord)
class OrderTaxRecordAdmin(admin.ModelAdmin):
    """Read-only: the record is what applied at placement."""

    list_display = ("order", "treatment", "ship_to_country", "buyer_vat_number", "created_at")
    list_filter = ("treatment",)
    list_select_related = ("order",)
    search_fields = ("order__number", "buyer_vat_number", "exemption_certificate_number")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
