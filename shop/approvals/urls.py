from django.urls import path

from shop.approvals import views

app_name = "approvals"

urlpatterns = [
    path("", views.approval_list, name="list"),
    path("settings/", views.approval_policy, name="policy"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/add/", views.rule_edit, name="rule-add"),
    path("rules/<int:pk>/", views.rule_edit, name="rule-edit"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule-delete"),
    path("<int:pk>/", views.approval_detail, name="detail"),
    path("<int:pk>/sent/", views.approval_sent, name="sent"),
    path("<int:pk>/approve/", views.approval_approve, name="approve"),
    path("<int:pk>/reject/", views.approval_reject, name="reject"),
    path("<int:pk>/cancel/", views.approval_cancel, name="cancel"),
    path("<int:pk>/pay/", views.approval_pay, name="pay"),
]
