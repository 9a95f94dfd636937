from django.urls import path

from crm_embedded.quotes import views_buyer as views

app_name = "quotes"

urlpatterns = [
    path("", views.quote_list, name="list"),
    path("request/", views.quote_request, name="request"),
    path("<str:number>/", views.quote_detail, name="detail"),
    path("<str:number>/messages/", views.quote_message, name="message"),
    path("<str:number>/v<int:version>.pdf", views.quote_pdf, name="pdf"),
    path("<str:number>/<str:action>/", views.quote_action, name="action"),
]
