from django.urls import path

from orders.documents import views

app_name = "order_documents"
urlpatterns = [
    path(
        "orders/<str:order_number>/confirmation.pdf",
        views.ConfirmationView.as_view(),
        name="confirmation",
    ),
    path("invoices/<str:number>.pdf", views.InvoiceView.as_view(), name="invoice"),
    path("credit-notes/<str:number>.pdf", views.CreditNoteView.as_view(), name="credit-note"),
    path(
        "shipments/<str:number>/packing-slip.pdf",
        views.PackingSlipView.as_view(),
        name="packing-slip",
    ),
    path(
        "orders/<str:order_number>/invoice/",
        views.InvoiceIssueView.as_view(),
        name="invoice-issue",
    ),
    path(
        "orders/<str:order_number>/credit-notes/",
        views.CreditNoteIssueView.as_view(),
        name="credit-note-issue",
    ),
]
