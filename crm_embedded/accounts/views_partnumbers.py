"""The account team's side of a company's part numbers: the same list, edits and import.

Companies are looked up among those the staff user may see (an account manager's own, a
sales manager's all; another account's id is a 404); mappings inside that company only.
Reads go through shop.partnumbers.selectors, writes through shop.partnumbers.services.
"""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from crm_embedded.access import company_or_404, staff_required
from shop.partnumbers import selectors, services
from shop.partnumbers.services import PartNumberError
from shop.validators import TextGuardMixin

PER_PAGE = 50


class PartNumberForm(TextGuardMixin, forms.Form):
    part_number = forms.CharField(
        label=gettext_lazy("Customer's part number"), max_length=services.MAX_LENGTH + 100
    )
    sku = forms.CharField(label=gettext_lazy("Our SKU"), max_length=128)


class PartNumberImportForm(TextGuardMixin, forms.Form):
    MODES = [
        ("all", gettext_lazy("Import only if every line is valid")),
        ("valid", gettext_lazy("Import the valid lines and skip the others")),
        ("check", gettext_lazy("Check only")),
    ]
    file = forms.FileField(
        label=gettext_lazy("CSV or XLSX file"),
        help_text=gettext_lazy("Two columns: the customer's part number, then our SKU."),
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("How to import"),
        choices=MODES,
        initial="all",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )


class SearchForm(TextGuardMixin, forms.Form):
    q = forms.CharField(required=False, max_length=100)


def _form_error(form, exc: PartNumberError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _mapping_or_404(company, pk: int):
    mapping = selectors.part_numbers_for_company(company_id=company.pk).filter(pk=pk).first()
    if mapping is None:
        raise Http404(_("No such part number."))
    return mapping


def _render_list(request, company, *, add_form=None, import_form=None, report=None, status=200):
    search = SearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    rows = selectors.part_numbers_for_company(company_id=company.pk, query=query)
    return render(
        request,
        "crm/company_part_numbers.html",
        {
            "company": company,
            "search_form": search,
            "query": query,
            "page": Paginator(rows, PER_PAGE).get_page(request.GET.get("page")),
            "page_query": urlencode({"q": query}) if query else "",
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
        try:
            services.part_number_update(
                company=company, part_number_id=mapping.pk, by_user=request.user,
                **form.cleaned_data,
            )  # fmt: skip
        except PartNumberError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Part number saved."))
            return redirect("crm:company-part-numbers", pk=company.pk)
    return render(
        request,
        "crm/company_part_number_form.html",
        {"company": company, "mapping": mapping, "form": form},
        status=400 if form.is_bound else 200,
    )


@staff_required
@require_POST
def company_part_number_delete(request: HttpRequest, pk: int, mapping_pk: int) -> HttpResponse:
    company = company_or_404(request, pk)
    mapping = _mapping_or_404(company, mapping_pk)
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
    return redirect("crm:company-part-numbers", pk=company.pk)


@staff_required
@require_POST
def company_part_numbers_import(request: HttpRequest, pk: int) -> HttpResponse:
    company = company_or_404(request, pk)
    form = PartNumberImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_list(request, company, import_form=form, status=400)
    upload = form.cleaned_data["file"]
    if upload.size > services.MAX_IMPORT_BYTES:
        form.add_error(
            "file",
            _("The file is larger than %(size)s MB: split it.")
            % {"size": services.MAX_IMPORT_BYTES // (1024 * 1024)},
        )
        return _render_list(request, company, import_form=form, status=400)
    report = services.part_numbers_import_check(company=company, data=upload.read())
    if report.file_error:
        form.add_error("file", report.file_error)
        return _render_list(request, company, import_form=form, status=400)
    mode = form.cleaned_data["mode"]
    if mode != "check":
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
                    "Imported: %(new)s new and %(changed)s changed part numbers, %(same)s "
                    "unchanged; %(skipped)s lines skipped."
                )
                % {
                    "new": report.created,
                    "changed": report.updated,
                    "same": report.unchanged,
                    "skipped": len(report.invalid_rows),
                },
            )
    return _render_list(request, company, import_form=form, report=report)


@staff_required
def company_part_numbers_export(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    company = company_or_404(request, pk)
    response = StreamingHttpResponse(
        services.part_numbers_export(company=company), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="part-numbers-{company.slug}-{stamp}.csv"'
    )
    return response
