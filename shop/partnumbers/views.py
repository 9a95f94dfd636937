"""The company area's part numbers: every member reads them, the company's admins change them.

Mappings are looked up inside the requesting member's company, so another company's id is
a 404 whatever the URL says.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shop.companies.views import member_required
from shop.partnumbers import selectors, services
from shop.partnumbers.forms import ImportForm, PartNumberForm, SearchForm
from shop.partnumbers.services import PartNumberError

PER_PAGE = 50


def _editor_company(request: HttpRequest):
    """The member's company, if they may change its part numbers (its admins); else 403."""
    membership = request.company_member
    if not membership.can_manage:
        raise PermissionDenied(_("Only your company's admins can change its part numbers."))
    return membership.company


def _form_error(form, exc: PartNumberError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def search_page(request: HttpRequest, *, company_id: int) -> dict:
    """The context of a list page: the search form, the page of part numbers, the query string."""
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    rows = selectors.part_numbers_for_company(company_id=company_id, query=query)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return {
        "search_form": form,
        "query": query,
        "page": page,
        "page_query": urlencode({"q": query}) if query else "",
    }


@member_required
def part_number_list(request: HttpRequest) -> HttpResponse:
    membership = request.company_member
    context = search_page(request, company_id=membership.company_id)
    context.update(company=membership.company, can_edit=membership.can_manage)
    return render(request, "partnumbers/list.html", context)


@member_required
def part_number_add(request: HttpRequest) -> HttpResponse:
    company = _editor_company(request)
    form = PartNumberForm(request.POST or None, initial={"sku": request.GET.get("sku", "")[:64]})
    if request.method == "POST" and form.is_valid():
        try:
            mapping = services.part_number_create(
                company=company, by_user=request.user, **form.cleaned_data
            )
        except PartNumberError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request, _("Part number %(number)s saved.") % {"number": mapping.part_number}
            )
            return redirect("partnumbers:list")
    return render(
        request,
        "partnumbers/form.html",
        {"form": form, "mapping": None},
        status=400 if form.is_bound else 200,
    )


@member_required
def part_number_edit(request: HttpRequest, pk: int) -> HttpResponse:
    mapping = get_object_or_404(
        selectors.part_numbers_for_company(company_id=request.company_member.company_id), pk=pk
    )
    company = _editor_company(request)
    form = PartNumberForm(
        request.POST or None, initial={"part_number": mapping.part_number, "sku": mapping.sku}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.part_number_update(
                company=company, part_number_id=mapping.pk, by_user=request.user,
                **form.cleaned_data,
            )  # fmt: skip
        except PartNumberError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Part number saved."))
            return redirect("partnumbers:list")
    return render(
        request,
        "partnumbers/form.html",
        {"form": form, "mapping": mapping},
        status=400 if form.is_bound else 200,
    )


@member_required
@require_POST
def part_number_delete(request: HttpRequest, pk: int) -> HttpResponse:
    mapping = get_object_or_404(request.company_member.company.part_numbers, pk=pk)
    company = _editor_company(request)
    try:
        services.part_number_delete(
            company=company, part_number_id=mapping.pk, by_user=request.user
        )
    except PartNumberError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Part number %(number)s deleted.") % {"number": mapping.part_number}
        )
    return redirect("partnumbers:list")


def import_run(request: HttpRequest, *, company, form: ImportForm):
    """Check the uploaded file and apply it as the form's mode says; the report, or None."""
    upload = form.cleaned_data["file"]
    if upload.size > services.MAX_IMPORT_BYTES:
        form.add_error(
            "file",
            _("The file is larger than %(size)s MB: split it.")
            % {"size": services.MAX_IMPORT_BYTES // (1024 * 1024)},
        )
        return None
    report = services.part_numbers_import_check(company=company, data=upload.read())
    if report.file_error:
        form.add_error("file", report.file_error)
        return report
    mode = form.cleaned_data["mode"]
    if mode == "check":
        return report
    try:
        services.part_numbers_import_apply(
            company=company, report=report, by_user=request.user, valid_only=mode == "valid"
        )
    except PartNumberError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _(
                "Imported: %(new)s new and %(changed)s changed part numbers, %(same)s unchanged; "
                "%(skipped)s lines skipped."
            )
            % {
                "new": report.created,
                "changed": report.updated,
                "same": report.unchanged,
                "skipped": len(report.invalid_rows),
            },
        )
    return report


@member_required
def part_number_upload(request: HttpRequest) -> HttpResponse:
    company = _editor_company(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            report = import_run(request, company=company, form=form)
        status = 200 if form.is_valid() and not form.errors else 400
    return render(
        request,
        "partnumbers/upload.html",
        {"form": form, "report": report, "company": company},
        status=status,
    )


def export_response(*, company) -> StreamingHttpResponse:
    """The company's part numbers as a CSV download."""
    response = StreamingHttpResponse(
        services.part_numbers_export(company=company), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="part-numbers-{stamp}.csv"'
    return response


@member_required
def part_number_download(request: HttpRequest) -> StreamingHttpResponse:
    return export_response(company=request.company_member.company)
