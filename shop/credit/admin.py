from django.contrib import admin

from shop.credit.models import CreditAccount, LedgerEntry

OVERRIDE_FIELDS = ("hold_override_reason", "hold_override_until", "hold_override_by",
                   "hold_override_at")  # fmt: skip


@admin.register(CreditAccount)
class CreditAccountAdmin(admin.ModelAdmin):
    """Credit-control settings; lifting a hold goes through the CRM, which audits it."""

    list_display = ("company", "hold_after_days_overdue", "warning_percent", "po_number_required")
    search_fields = ("company__legal_name", "company__trading_name")
    autocomplete_fields = ("company",)
    readonly_fields = OVERRIDE_FIELDS


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    """The ledger, read only: entries are immutable, and payments are recorded in the CRM."""

    list_display = ("created_at", "company", "kind", "reference", "amount", "currency", "due_date")
    list_filter = ("kind",)
    search_fields = ("reference", "company__legal_name")
    list_select_related = ("company",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
