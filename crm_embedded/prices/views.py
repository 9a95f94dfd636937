"""Price list authoring in the CRM: lists, entries, CSV import/export, copies, change log.

Everything is read through shop.pricing.selectors and written through shop.pricing.services.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from crm_embedded.access import company_or_404, staff_required
from crm_embedded.prices.forms import CopyForm, EntryForm, ImportForm, PriceCheckForm, PriceListForm
from shop.pricing import selectors, services
from shop.pricing.services import PricingError


def _list_or_404(request: HttpRequest, pk: int):
    return get_object_or_404(selectors.price_lists_for_staff(user=request.user), pk=pk)


def _editable_or_403(request: HttpRequest, price_list) -> None:
    if not selectors.price_list_editable_by(price_list=price_list, user=request.user):
        raise PermissionDenied(
            _("Only this account's manager or a sales manager can change this list.")
        )


@staff_required
def price_list_index(request: HttpRequest) -> HttpResponse:
    lists = selectors.price_lists_for_staff(user=request.user).order_by("name")
    return render(request, "crm/price_list_index.html", {"price_lists": lists})


@staff_required
def price_list_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    price_list = _list_or_404(request, pk) if pk else None
    if price_list:
        _editable_or_403(request, price_list)
    form = PriceListForm(request.POST or None, price_list=price_list, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.price_list_upsert(
                price_list=price_list, by_user=request.user, **form.cleaned_data
            )
        except PricingError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("%(list)s saved.") % {"list": saved})
            return redirect("crm:price-list-detail", pk=saved.pk)
    return render(
        request,
        "crm/price_list_form.html",
        {"form": form, "price_list": price_list},
        status=400 if form.is_bound else 200,
    )


def _render_detail(
    request,
    price_list,
    *,
    entry_form=None,
    import_form=None,
    copy_form=None,
    report=None,
    status=200,
):
    entries = selectors.price_list_entries(price_list=price_list)
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "crm/price_list_detail.html",
        {
            "price_list": price_list,
            "page": page,
            "editable": selectors.price_list_editable_by(price_list=price_list, user=request.user),
            "entry_form": entry_form or EntryForm(),
            "import_form": import_form or ImportForm(),
            "copy_form": copy_form or CopyForm(initial={"name": f"{price_list.name} (copy)"}),
            "report": report,
            "changes": selectors.price_list_changes(price_list=price_list),
        },
        status=status,
    )


@staff_required
def price_list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _list_or_404(request, pk))


@staff_required
@require_POST
def entry_add(request: HttpRequest, pk: int) -> HttpResponse:
    price_list = _list_or_404(request, pk)
    _editable_or_403(request, price_list)
    form = EntryForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, price_list, entry_form=form, status=400)
    report = services.price_list_entry_check(price_list=price_list, row=form.cleaned_data)
    if report.file_error or report.invalid_rows:
        for error in [report.file_error] if report.file_error else report.invalid_rows[0].errors:
            form.add_error(None, error)
        return _render_detail(request, price_list, entry_form=form, status=400)
    services.price_list_import_apply(
        price_list=price_list, report=report, by_user=request.user, valid_only=False
    )
    messages.success(request, _("Price saved.") if report.updated else _("Price added."))
    return redirect("crm:price-list-detail", pk=price_list.pk)


@staff_required
@require_POST
def entry_delete(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    price_list = _list_or_404(request, pk)
    _editable_or_403(request, price_list)
    get_object_or_404(price_list.entries, pk=entry_pk)
    services.entry_delete(price_list=price_list, entry_id=entry_pk, by_user=request.user)
    messages.success(request, _("Price removed."))
    return redirect("crm:price-list-detail", pk=price_list.pk)


@staff_required
@require_POST
def price_list_import(request: HttpRequest, pk: int) -> HttpResponse:
    price_list = _list_or_404(request, pk)
    _editable_or_403(request, price_list)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, price_list, import_form=form, status=400)
    upload = form.cleaned_data["file"]
    if upload.size > services.MAX_IMPORT_BYTES:
        form.add_error("file", _("The file is larger than 20 MB: split it and import the parts."))
        return _render_detail(request, price_list, import_form=form, status=400)
    report = services.price_list_import_check(
        price_list=price_list,
        data=upload.read(),
        max_lines=settings.PRICE_LIST_WEB_IMPORT_MAX_LINES,
    )
    mode = form.cleaned_data["mode"]
    if mode != "check" and not report.file_error:
        try:
            services.price_list_import_apply(
                price_list=price_list,
                report=report,
                by_user=request.user,
                valid_only=mode == "valid",
            )
        except PricingError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _(
                    "Imported: %(new)s new and %(changed)s changed prices; %(skipped)s lines skipped."
                )
                % {
                    "new": report.created,
                    "changed": report.updated,
                    "skipped": len(report.invalid_rows),
                },
            )
    return _render_detail(request, price_list, import_form=form, report=report)


@staff_required
def price_list_export(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    price_list = _list_or_404(request, pk)
    response = StreamingHttpResponse(
        services.price_list_export(price_list=price_list), content_type="text/csv"
    )
    response["Content-Disposition"] = f'attachment; filename="{price_list.code}.csv"'
    return response


@staff_required
@require_POST
def price_list_copy(request: HttpRequest, pk: int) -> HttpResponse:
    source = _list_or_404(request, pk)
    _editable_or_403(request, source)
    form = CopyForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, source, copy_form=form, status=400)
    try:
        copy = services.price_list_copy(source=source, by_user=request.user, **form.cleaned_data)
    except PricingError as exc:
        form.add_error(None, exc.message)
        return _render_detail(request, source, copy_form=form, status=400)
    messages.success(
        request, _("Copied to %(name)s; adjust its prices and validity here.") % {"name": copy.name}
    )
    return redirect("crm:price-list-detail", pk=copy.pk)


@staff_required
def company_price_check(request: HttpRequest, pk: int) -> HttpResponse:
    """How a company's price for one SKU is built, for its account manager."""
    company = company_or_404(request, pk)
    form = PriceCheckForm(request.GET or None)
    resolved, error, sku, quantity = None, "", "", 1
    if form.is_valid():
        sku, quantity = form.cleaned_data["sku"].strip(), form.cleaned_data["quantity"] or 1
        resolved = selectors.price_for_sku(company=company, sku=sku, quantity=quantity)
        if resolved is None:
            error = _("No product has the SKU '%(sku)s'.") % {"sku": sku}
    return render(
        request,
        "crm/price_check.html",
        {
            "company": company,
            "form": form,
            "sku": sku,
            "quantity": quantity,
            "resolved": resolved,
            "error": error,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
