"""The account team's side of a company's part numbers: the same list, edits and import.

Companies are looked up among those the staff user may see (an account manager's own, a
sales manager's all; another account's id is a 404); mappings inside that company only.
Reads go through shop.partnumbers.selectors; writes, and what is done with a valid form,
through shop.partnumbers.services, the same steps as the company area's pages.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm_embedded.access import company_or_404, staff_required
from crm_embedded.accounts.forms_partnumbers import PartNumberForm, PartNumberImportForm, SearchForm
from shop.partnumbers import selectors, services


def _mapping_or_404(company, pk: int):
    mapping = selectors.part_numbers_for_company(company_id=company.pk).filter(pk=pk).first()
    if mapping is None:
        raise Http404(_("No such part number."))
    return mapping


def _render_list(request, company, *, add_form=None, import_form=None, report=None, status=200):
    search = SearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    page = selectors.part_numbers_page(
        company_id=company.pk, query=query, page_number=request.GET.get("page")
    )
    return render(
        request,
        "crm/company_part_numbers.html",
        {
            "company": company,
            "search_form": search,
            **page,
            "can_edit": True,  # whoever may see the account may keep its part numbers
            "add_form": add_form or PartNumberForm(),
            "import_form": import_form or PartNumberImportForm(),
            "report": report,
        },
        status=status,
    )


@staff_required
def company_part_numbers(request: HttpRequest, pk: int) -> HttpResponse:
    company = company_or_404(request, pk)
    if request.method != "POST":
        return _render_list(request, company)
    form = PartNumberForm(request.POST)
    if form.is_valid():
        saved = services.part_number_form_save(form=form, company=company, by_user=request.user)
        if saved is not None:
            messages.success(request, saved.message)
            return redirect("crm:company-part-numbers", pk=company.pk)
    return _render_list(request, company, add_form=form, status=400)


@staff_required
def company_part_number_edit(request: HttpRequest, pk: int, mapping_pk: int) -> HttpResponse:
    company = company_or_404(request, pk)
    mapping = _mapping_or_404(company, mapping_pk)
    form = PartNumberForm(
        request.POST or None, initial={"part_number": mapping.part_number, "sku": mapping.sku}
    )
    if request.method == "POST" and form.is_valid():
        saved = services.part_number_form_save(
            form=form, company=company, by_user=request.user, part_number_id=mapping.pk
        )
        if saved is not None:
            messages.success(request, saved.message)
            return redirect("crm:company-part-numbers", pk=company.pk)
    return render(
        request,
        "crm/company_part_number_form.html",
        {"company": company, "mapping": mapping, "form": form},
        status=400 if form.is_bound else 200,
    )


@staff_required
def company_part_number_delete(request: HttpRequest, pk: int, mapping_pk: int) -> HttpResponse:
    """GET asks to confirm (naming the number, our SKU and the product); POST deletes."""
    company = company_or_404(request, pk)
    mapping = _mapping_or_404(company, mapping_pk)
    if request.method != "POST":
        return render(
            request, "crm/company_part_number_delete.html", {"company": company, "mapping": mapping}
        )
    done, message = services.part_number_delete_message(
        company=company, part_number_id=mapping.pk, by_user=request.user
    )
    (messages.success if done else messages.error)(request, message)
    return redirect("crm:company-part-numbers", pk=company.pk)


@staff_required
@require_POST
def company_part_numbers_import(request: HttpRequest, pk: int) -> HttpResponse:
    company = company_or_404(request, pk)
    form = PartNumberImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_list(request, company, import_form=form, status=400)
    outcome = services.part_numbers_import_form_run(
        form=form, company=company, by_user=request.user
    )
    if outcome.notice:
        messages.add_message(request, *outcome.notice)
    status = 400 if form.errors else 200
    return _render_list(request, company, import_form=form, report=outcome.report, status=status)


@staff_required
def company_part_numbers_export(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    company = company_or_404(request, pk)
    response = StreamingHttpResponse(
        services.part_numbers_export(company=company), content_type="text/csv; charset=utf-8"
    )
    filename = services.part_numbers_export_filename(company=company, with_company=True)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
