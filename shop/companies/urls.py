from django.urls import path

from shop.companies import views
from shop.credit import views as credit_views

app_name = "company"

urlpatterns = [
    path("", views.company_home, name="home"),
    path("apply/", views.company_apply, name="apply"),
    path("members/invite/", views.member_invite, name="member-invite"),
    path("members/<int:pk>/role/", views.member_role, name="member-role"),
    path("members/<int:pk>/deactivate/", views.member_deactivate, name="member-deactivate"),
    path("members/<int:pk>/limits/", views.member_limits, name="member-limits"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation-revoke"),
    path("addresses/new/", views.address_edit, name="address-create"),
    path("addresses/<int:pk>/", views.address_edit, name="address-edit"),
    path("addresses/<int:pk>/delete/", views.address_delete, name="address-delete"),
    path("join/<str:token>/", views.invitation_join, name="join"),
    path("acting/stop/", views.acting_stop, name="acting-stop"),
    path("statement/", credit_views.statement, name="statement"),
    path("statement.csv", credit_views.statement_csv, name="statement-csv"),
    path("credit/limit-request/", credit_views.limit_request, name="credit-limit-request"),
]
