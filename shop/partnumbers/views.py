"""The company area's part numbers: every member reads them, the company's admins change them.

Mappings are looked up inside the requesting member's company, so another company's id is
a 404 whatever the URL says. What the pages do with a form is shared with the account
team's pages (``crm_embedded``) through ``shop.partnumbers.services``.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from shop.companies.views import member_required
from shop.partnumbers import selectors, services
from shop.partnumbers.forms import ImportForm, PartNumberForm, SearchForm


def _editor_company(request: HttpRequest):
    """The member's company, if they may change its part numbers (its admins); else 403."""
    membership = request.company_member
    if not membership.can_manage:
        raise PermissionDenied(_("Only your company's admins can change its part numbers."))
    return membership.company


def _mapping_or_404(request: HttpRequest, pk: int):
    rows = selectors.part_numbers_for_company(company_id=request.company_member.company_id)
    return get_object_or_404(rows, pk=pk)


def search_page(request: HttpRequest, *, company_id: int) -> dict:
    """The context of a list page: the search form, the page of part numbers, the query string."""
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = selectors.part_numbers_page(
        company_id=company_id, query=query, page_number=request.GET.get("page")
    )
    return {"search_form": form, **page}


@member_required
def part_number_list(request: HttpRequest) -> HttpResponse:
    membership = request.company_member
    context = search_page(request, company_id=membership.company_id)
    context.update(company=membership.company, can_edit=membership.can_manage)
    return render(request, "partnumbers/list.html", context)


def _form_page(request: HttpRequest, *, mapping) -> HttpResponse:
    company = _editor_company(request)
    initial = (
        {"part_number": mapping.part_number, "sku": mapping.sku}
        if mapping
        else {"sku": request.GET.get("sku", "")[:64]}
    )
    form = PartNumberForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = services.part_number_form_save(
            form=form, company=company, by_user=request.user,
            part_number_id=mapping.pk if mapping else None,
        )  # fmt: skip
        if saved is not None:
            messages.success(request, saved.message)
            return redirect("partnumbers:list")
    return render(
        request,
        "partnumbers/form.html",
        {"form": form, "mapping": mapping},
        status=400 if form.is_bound else 200,
    )


@member_required
def part_number_add(request: HttpRequest) -> HttpResponse:
    return _form_page(request, mapping=None)


@member_required
def part_number_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(request, mapping=_mapping_or_404(request, pk))


@member_required
def part_number_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks to confirm (naming the number, our SKU and the product); POST deletes."""
    mapping = _mapping_or_404(request, pk)
    company = _editor_company(request)
    if request.method != "POST":
        return render(request, "partnumbers/delete.html", {"mapping": mapping})
    done, message = services.part_number_delete_message(
        company=company, part_number_id=mapping.pk, by_user=request.user
    )
    (messages.success if done else messages.error)(request, message)
    return redirect("partnumbers:list")


@member_required
def part_number_upload(request: HttpRequest) -> HttpResponse:
    company = _editor_company(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    outcome = services.ImportOutcome()
    if request.method == "POST" and form.is_valid():
        outcome = services.part_numbers_import_form_run(
            form=form, company=company, by_user=request.user
        )
        if outcome.notice:
            messages.add_message(request, *outcome.notice)
    return render(
        request,
        "partnumbers/upload.html",
        {"form": form, "report": outcome.report, "company": company},
        status=400 if form.errors else 200,
    )


@member_required
def part_number_download(request: HttpRequest) -> StreamingHttpResponse:
    company = request.company_member.company
    response = StreamingHttpResponse(
        services.part_numbers_export(company=company), content_type="text/csv; charset=utf-8"
    )
    filename = services.part_numbers_export_filename(company=company)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
