from django.contrib import admin

from shop.companies.models import Company, CompanyMember


class CompanyMemberInline(admin.TabularInline):
    model = CompanyMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["legal_name", "trading_name", "status", "account_manager"]
    list_filter = ["status"]
    search_fields = ["legal_name", "trading_name", "vat_number"]
    inlines = [CompanyMemberInline]
