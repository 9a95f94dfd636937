from django.contrib import admin

from shop.approvals.models import ApprovalPolicy, ApprovalRequest


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(admin.ModelAdmin):
    list_display = ("pk", "company", "requester", "total", "currency", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("company__legal_name", "requester__email", "purchase_order_number")
    # Decisions are made through the services (who and when are recorded), not here.
    readonly_fields = [f.name for f in ApprovalRequest._meta.fields]


@admin.register(ApprovalPolicy)
class ApprovalPolicyAdmin(admin.ModelAdmin):
    list_display = ("company", "expiry_days")
