from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from oscar.apps.payment.admin import *  # noqa: F403

from shop.payment.models import CardIntent, StripeEvent, UnmatchedPayment


class UnmatchedPaymentStateFilter(admin.SimpleListFilter):
    """Open flags by default: one resolved by its order placed a second later needs no one."""

    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("resolved", _("Resolved")), ("all", _("All"))]

    def choices(self, changelist):
        value = self.value()
        yield {
            "selected": value is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Open"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "all":
            return queryset
        return queryset.filter(resolved_at__isnull=self.value() != "resolved")


@admin.register(UnmatchedPayment)
class UnmatchedPaymentAdmin(admin.ModelAdmin):
    list_display = (
        "intent_id",
        "amount",
        "currency",
        "basket_id",
        "created_at",
        "resolved_at",
        "order_number",
    )
    list_filter = (UnmatchedPaymentStateFilter,)
    search_fields = ("intent_id", "order_number")
    readonly_fields = ("intent_id", "basket_id", "amount", "currency", "reason", "created_at")


@admin.register(StripeEvent)
class StripeEventAdmin(admin.ModelAdmin):
    list_display = ("event_id", "type", "received_at", "processed_at")
    search_fields = ("event_id",)


@admin.register(CardIntent)
class CardIntentAdmin(admin.ModelAdmin):
    list_display = ("intent_id", "basket_id", "order_number", "amount", "currency", "status")
    search_fields = ("intent_id", "order_number")
