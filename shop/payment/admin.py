from django.contrib import admin
from oscar.apps.payment.admin import *  # noqa: F403

from shop.payment.models import CardIntent, StripeEvent, UnmatchedPayment


@admin.register(UnmatchedPayment)
class UnmatchedPaymentAdmin(admin.ModelAdmin):
    list_display = ("intent_id", "amount", "currency", "basket_id", "created_at", "resolved_at")
    list_filter = ("resolved_at",)
    readonly_fields = ("intent_id", "basket_id", "amount", "currency", "reason", "created_at")


@admin.register(StripeEvent)
class StripeEventAdmin(admin.ModelAdmin):
    list_display = ("event_id", "type", "received_at", "processed_at")
    search_fields = ("event_id",)


@admin.register(CardIntent)
class CardIntentAdmin(admin.ModelAdmin):
    list_display = ("intent_id", "basket_id", "order_number", "amount", "currency", "status")
    search_fields = ("intent_id", "order_number")
