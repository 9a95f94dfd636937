"""Downloads: the buyer's company's documents only (another company's are 404), every order's
for seller staff; issuing invoices and credit notes is for staff with order.change_order."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from orders.documents.models import CreditNote, Invoice
from orders.documents.selectors import order_documents
from orders.documents.services import credit_note_issue, invoice_issue
from shop.companies.models import CompanyMember
from tests.factories import CompanyMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents(order):
    invoice = invoice_issue(order=order)
    note = credit_note_issue(order=order, amount="1.00", reason="Dented")
    return {
        "confirmation": reverse(
            "order_documents:confirmation", kwargs={"order_number": order.number}
        ),
        "invoice": reverse("order_documents:invoice", kwargs={"number": invoice.number}),
        "credit_note": reverse("order_documents:credit-note", kwargs={"number": note.number}),
    }


def _staff(*codenames, email="staff-docs@partshub.example"):
    user = UserFactory(email=email, is_staff=True)
    for codename in codenames:
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="order", codename=codename)
        )
    return user


@pytest.mark.parametrize("kind", ["confirmation", "invoice", "credit_note"])
def test_a_colleague_downloads_the_companys_documents(client, order, documents, kind):
    colleague = CompanyMemberFactory(
        company=order.company,
        role=CompanyMember.Role.VIEWER,
        user=UserFactory(email="v@rhein.example"),
    )
    client.force_login(colleague.user)
    response = client.get(documents[kind])
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("kind", ["confirmation", "invoice", "credit_note"])
def test_another_companys_buyer_gets_404_for_each_document(client, documents, stranger, kind):
    client.force_login(stranger)
    assert client.get(documents[kind]).status_code == 404


def test_a_visitor_is_sent_to_log_in(client, documents):
    response = client.get(documents["invoice"])
    assert response.status_code == 302 and "login" in response["Location"]


def test_staff_need_the_view_order_permission(client, documents):
    client.force_login(_staff())
    assert client.get(documents["invoice"]).status_code == 404
    client.force_login(_staff("view_order", email="viewer@partshub.example"))
    assert client.get(documents["invoice"]).status_code == 200


def test_a_sales_manager_issues_the_invoice_from_the_order_page(client, order, sales_manager):
    client.force_login(sales_manager)
    back = reverse("dashboard:order-detail", kwargs={"number": order.number})
    url = reverse("order_documents:invoice-issue", kwargs={"order_number": order.number})
    response = client.post(url, {"next": back})
    assert response.status_code == 302 and response["Location"] == back + "#order-documents"
    invoice = Invoice.objects.get(order=order)
    assert invoice.issued_by == sales_manager
    client.post(url, {"next": back})  # a second click: still one invoice
    assert Invoice.objects.count() == 1


def test_the_back_link_never_leaves_the_site(client, order, sales_manager):
    client.force_login(sales_manager)
    url = reverse("order_documents:invoice-issue", kwargs={"order_number": order.number})
    response = client.post(url, {"next": "https://evil.example/"})
    assert response["Location"].startswith(f"/shop/dashboard/orders/{order.number}/")


def test_a_credit_note_through_the_form_is_bounded(client, order, sales_manager):
    invoice = invoice_issue(order=order)
    client.force_login(sales_manager)
    url = reverse("order_documents:credit-note-issue", kwargs={"order_number": order.number})
    client.post(url, {"amount": str(invoice.gross + 1), "reason": "Too much"})
    assert not CreditNote.objects.exists()
    client.post(url, {"amount": "", "reason": "x"})
    assert not CreditNote.objects.exists()
    client.post(url, {"amount": "2.00", "reason": "Returned seal"})
    note = CreditNote.objects.get()
    assert note.issued_by == sales_manager and note.reason == "Returned seal"


def test_buyers_and_view_only_staff_cannot_issue(client, order, stranger):
    url = reverse("order_documents:invoice-issue", kwargs={"order_number": order.number})
    client.force_login(order.user)
    assert client.post(url).status_code == 404
    client.force_login(_staff("view_order"))
    assert client.post(url).status_code == 403
    assert not Invoice.objects.exists()


def test_the_include_lists_the_documents_and_the_staff_forms(rf, order, sales_manager):
    from django.template.loader import render_to_string

    invoice_issue(order=order)
    request = rf.get("/")
    request.user = sales_manager
    html = render_to_string(
        "order_documents/_order_documents.html",
        {"order": order, "documents": order_documents(order=order, user=sales_manager)},
        request=request,
    )
    assert "Order confirmation" in html and order.invoices.get().number in html
    assert 'id="credit-note-issue-form"' in html and 'id="invoice-issue-form"' not in html


def test_a_buyer_sees_the_links_but_no_forms_and_a_stranger_nothing(rf, order, stranger):
    from django.template.loader import render_to_string

    for user, expected in ((order.user, True), (stranger, False)):
        request = rf.get("/")
        request.user = user
        html = render_to_string(
            "order_documents/_order_documents.html",
            {"order": order, "documents": order_documents(order=order, user=user)},
            request=request,
        )
        assert ("Order confirmation" in html) is expected
        assert "issue-form" not in html


def test_the_document_list_costs_the_same_queries_with_more_documents(
    order, sales_manager, django_assert_num_queries
):
    from orders.documents.selectors import shipment_model

    invoice_issue(order=order)
    Shipment = shipment_model()

    def grow(count):
        for index in range(count):
            credit_note_issue(order=order, amount="0.01", reason=f"Seal {index}")
            if Shipment is not None:
                Shipment.objects.create(
                    order=order, number=f"S-{order.number}-{index}-{count}", source="staff"
                )

    grow(1)
    order_documents(order=order, user=sales_manager)  # warm the permission cache
    with django_assert_num_queries(4 if Shipment is not None else 3):
        small = order_documents(order=order, user=sales_manager)
    grow(5)
    with django_assert_num_queries(4 if Shipment is not None else 3):
        large = order_documents(order=order, user=sales_manager)
    assert len(large) - len(small) == (10 if Shipment is not None else 5)
