"""The contacts room: people at client companies, found, entered and kept up to date.

Every contact is looked up among the contacts of the staff user's accounts (else 404);
input comes through ContactForm, writes through contacts.services.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from crm_embedded.access import company_or_404, staff_required
from crm_embedded.contacts import selectors, services
from crm_embedded.contacts.forms import ContactFilterForm, ContactForm

PAGE_SIZE = 50


@staff_required
def contact_list(request: HttpRequest) -> HttpResponse:
    form = ContactFilterForm(request.GET or None, user=request.user)
    query, company = "", None
    if form.is_valid():
        query, company = form.cleaned_data["q"].strip(), form.cleaned_data["company"]
    contacts = selectors.contacts_search(
        user=request.user, query=query, company_id=company.pk if company else None
    )
    page = Paginator(contacts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "crm/contacts/contact_list.html",
        {"crm_tab": "contacts", "form": form, "page": page, "company": company, "query": query},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def _render_form(request, form, *, contact=None, company=None, error=None, status=200):
    return render(
        request,
        "crm/contacts/contact_form.html",
        {
            "crm_tab": "contacts",
            "form": form,
            "contact": contact,
            "company": company,
            "existing": error.existing if error else None,
            "existing_visible": bool(
                error
                and error.existing
                and selectors.contacts_for_staff(user=request.user)
                .filter(pk=error.existing.pk)
                .exists()
            ),
            "similar": error.similar if error else [],
        },
        status=status,
    )


def _save(request, form, save, *, contact=None, company=None) -> HttpResponse:
    """Run a contact service with the form's data; errors go beside the field they concern."""
    try:
        saved = save(allow_similar=form.cleaned_data["allow_similar"], **form.contact_fields())
    except services.ContactError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        if isinstance(exc, services.SimilarContactError):
            form.show_allow_similar()
        return _render_form(request, form, contact=contact, company=company, error=exc, status=400)
    messages.success(request, _("%(name)s saved.") % {"name": saved.full_name})
    return redirect(f"{reverse('crm:contact-list')}?company={saved.company_id}")


@staff_required
def contact_create(request: HttpRequest) -> HttpResponse:
    company = None
    company_id = request.GET.get("company", "")
    if company_id.isdigit():
        company = company_or_404(request, int(company_id))
    form = ContactForm(request.POST or None, user=request.user, company=company)
    if request.method != "POST":
        return _render_form(request, form, company=company)
    if not form.is_valid():
        return _render_form(request, form, company=company, status=400)
    chosen = form.cleaned_data["company"]
    return _save(
        request,
        form,
        lambda **fields: services.contact_create(company=chosen, by=request.user, **fields),
        company=company,
    )


@staff_required
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = selectors.contact_for_staff_or_404(user=request.user, pk=pk)
    form = ContactForm(request.POST or None, user=request.user, contact=contact)
    if request.method != "POST":
        return _render_form(request, form, contact=contact)
    if not form.is_valid():
        return _render_form(request, form, contact=contact, status=400)
    return _save(
        request,
        form,
        lambda **fields: services.contact_update(contact=contact, by=request.user, **fields),
        contact=contact,
    )
