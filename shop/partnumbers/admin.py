from django.contrib import admin

from shop.partnumbers.models import CustomerPartNumber


@admin.register(CustomerPartNumber)
class CustomerPartNumberAdmin(admin.ModelAdmin):
    list_display = ["part_number", "company", "product", "updated_at", "updated_by"]
    list_filter = ["company"]
    search_fields = ["part_number", "normalized", "product__title"]
    raw_id_fields = ["company", "product", "updated_by"]
    readonly_fields = ["normalized", "created_at", "updated_at"]
