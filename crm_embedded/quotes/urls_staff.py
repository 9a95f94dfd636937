from django.urls import path

from crm_embedded.quotes import views_staff as views

urlpatterns = [
    path("quotes/", views.quote_list, name="quote-list"),
    path("quotes/<int:pk>/", views.quote_detail, name="quote-detail"),
    path("quotes/<int:pk>/lines/", views.quote_lines, name="quote-lines"),
    path("quotes/<int:pk>/lines/add/", views.quote_line_add, name="quote-line-add"),
    path("quotes/<int:pk>/terms/", views.quote_terms, name="quote-terms"),
    path("quotes/<int:pk>/messages/", views.quote_message, name="quote-message"),
    path("quotes/<int:pk>/v<int:version>.pdf", views.quote_pdf, name="quote-pdf"),
    path("quotes/<int:pk>/approval/", views.quote_approval, name="quote-approval"),
    path("approvals/", views.approval_list, name="approval-list"),
    path("quotes/<int:pk>/<str:action>/", views.quote_action, name="quote-action"),
]
