"""The quick order page: paste or upload lines, see every line checked, fix them, add at once."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from oscar.core.loading import get_model

from orders.selectors import orders_for_user
from shop import csv_export
from shop.bulk import parser, selectors, services
from shop.bulk.models import RequisitionList
from shop.companies.permissions import ordering_refusal
from shop.validators import TextGuardMixin


class QuickOrderForm(TextGuardMixin, forms.Form):
    lines = forms.CharField(
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 10, "placeholder": "BRG-BB-000001 10\nAUT-FL-000015, 4"}
        ),
        label=gettext_lazy("One line per product: SKU and quantity"),
    )
    file = forms.FileField(
        required=False, label=gettext_lazy("…or upload a CSV or XLSX file (SKU, quantity)")
    )


def _lines_from_table(post) -> tuple[str, set[int]]:
    """Rebuild the order text from the table of checked lines the buyer edited in place.

    Also returns the line numbers (in that text) that were ready when the table was shown:
    "Add the N ready lines" adds those only, never a line whose proposed quantity the
    buyer has not checked yet.
    """
    rows, ready = [], set()
    for index in range(min(int(post.get("rows", 0) or 0), parser.MAX_LINES)):
        if post.get(f"remove_{index}"):
            continue
        sku, quantity = post.get(f"sku_{index}", "").strip(), post.get(f"qty_{index}", "").strip()
        if sku or quantity:
            rows.append(f"{sku}\t{quantity}")
            if post.get(f"ready_{index}"):
                ready.add(len(rows))
    # The lines not rendered as rows (see _table_rows) come back in two compact fields.
    for name in ("more_ready", "more_to_fix"):
        for line in post.get(name, "").splitlines()[: parser.MAX_LINES]:
            if line.strip():
                rows.append(line.strip())
                if name == "more_ready":
                    ready.add(len(rows))
    return "\n".join(rows), ready


TABLE_READY_ROWS = 50  # ready lines shown as rows; the rest are summed up, not listed
TABLE_TO_FIX_ROWS = 500  # lines to fix shown at once; more come back after a check


def _table_rows(checked) -> tuple[list, list[str], list[str]]:
    """Split checked lines into the rows to render and the rest, as compact "SKU qty" lines.

    A 10,000-line order rendered as editable rows was 8.8 MB of HTML. The page shows the
    lines to fix (up to TABLE_TO_FIX_ROWS) and the first TABLE_READY_ROWS ready lines; the
    others round-trip in two hidden fields, checked again like the rows on every submit.
    """
    shown, more_ready, more_to_fix = [], [], []
    ready_shown = to_fix_shown = 0
    for item in checked:
        if item.ok and ready_shown < TABLE_READY_ROWS:
            ready_shown += 1
            shown.append(item)
        elif not item.ok and to_fix_shown < TABLE_TO_FIX_ROWS:
            to_fix_shown += 1
            shown.append(item)
        elif item.ok:
            more_ready.append(f"{item.parsed.sku}\t{item.parsed.quantity}")
        else:  # the quantity as its input would show it
            quantity = item.proposed_quantity or (
                item.parsed.quantity_text if item.parsed.quantity is None else item.parsed.quantity
            )
            more_to_fix.append(f"{item.parsed.sku}\t{quantity}")
    return shown, more_ready, more_to_fix


@login_required
def quick_order(request: HttpRequest) -> HttpResponse:
    refusal = ordering_refusal(member=getattr(request, "company_member", None))
    form = QuickOrderForm(request.POST or None, request.FILES or None)
    context = {"form": form, "refusal": refusal}
    if request.method != "POST":
        return render(request, "shop/quick_order.html", context)
    was_ready = None  # None: every line may be added (pasted or uploaded, not a table)
    if "rows" in request.POST:
        if not parser.is_whole(request.POST.get("rows", "")):
            return HttpResponse(_("Bad table."), status=400)
        text, was_ready = _lines_from_table(request.POST)
        result = parser.parse_text(text)
    elif "sku" in request.POST:  # the basket's "Add by SKU" row
        sku, quantity = request.POST["sku"].strip(), request.POST.get("quantity", "").strip()
        result = parser.parse_text(f"{sku}\t{quantity}" if sku else "")
    elif form.is_valid() and form.cleaned_data.get("file"):
        upload = form.cleaned_data["file"]
        if upload.size > parser.MAX_FILE_BYTES:
            result = parser.file_too_large()
        else:
            result = parser.parse_file(upload.name, upload.read())
    else:
        result = parser.parse_text(request.POST.get("lines", ""))
    if result.error:
        messages.error(request, result.error)
        return render(request, "shop/quick_order.html", context, status=400)
    member = getattr(request, "company_member", None)
    checked = services.quick_order_check(
        lines=result.lines,
        basket=request.basket,
        strategy=request.strategy,
        company_id=member.company_id if member else None,
    )
    if request.POST.get("action") == "save_list":
        response = _save_checked_as_list(request, checked, was_ready)
        if response is not None:
            return response
    elif request.POST.get("action") == "add" and not refusal:
        addable = [c for c in checked if c.ok and (was_ready is None or c.parsed.line in was_ready)]
        added = services.quick_order_add(basket=request.basket, checked=addable)
        # By identity: comparing the dataclasses field by field was quadratic (minutes at 10,000).
        added_ids = {id(c) for c in addable}
        remaining = [c for c in checked if id(c) not in added_ids]
        if added:
            messages.success(
                request,
                ngettext(
                    "%(count)s line added to your basket.",
                    "%(count)s lines added to your basket.",
                    added,
                )
                % {"count": added},
            )
        if not remaining:
            return redirect("basket:summary")
        messages.warning(
            request,
            ngettext(
                "%(count)s line below was not added: fix or check it again, then add.",
                "%(count)s lines below were not added: fix or check them again, then add.",
                len(remaining),
            )
            % {"count": len(remaining)},
        )
        checked = remaining
    # A refused "add" says nothing more: the page shows the refusal once, above the table.
    if checked:
        # The table holds the lines now; the empty form below starts over with other lines.
        context["form"] = QuickOrderForm()
    shown, more_ready, more_to_fix = _table_rows(checked)
    context.update(
        checked=shown,
        more_ready="\n".join(more_ready),
        more_ready_count=len(more_ready),
        more_to_fix="\n".join(more_to_fix),
        more_to_fix_count=len(more_to_fix),
        valid_count=sum(1 for c in checked if c.ok),
        error_count=sum(1 for c in checked if not c.ok),
    )
    return render(request, "shop/quick_order.html", context)


def _save_checked_as_list(request: HttpRequest, checked, was_ready) -> HttpResponse | None:
    """The quick order's ready lines go to a list; None when refused (the page shows why)."""
    member = getattr(request, "company_member", None)
    if member is None:
        messages.error(
            request, _("Requisition lists belong to a company account: apply for one first.")
        )
        return None
    # Like "Add": only lines that were ready when shown, never an unchecked proposal.
    saved = [c for c in checked if c.ok and (was_ready is None or c.parsed.line in was_ready)]
    ready = {c.product.pk: c.parsed.quantity for c in saved}
    requisition = _add_to_chosen_list(request, member, ready)
    if requisition is None:
        return None
    messages.success(
        request,
        ngettext(
            "%(count)s ready line saved to '%(name)s'.",
            "%(count)s ready lines saved to '%(name)s'.",
            len(ready),
        )
        % {"count": len(ready), "name": requisition.name},
    )
    left = len(checked) - len(saved)
    if left:
        messages.warning(
            request,
            ngettext(
                "%(count)s line to fix was not saved.",
                "%(count)s lines to fix were not saved.",
                left,
            )
            % {"count": left},
        )
    return redirect("bulk:list-detail", pk=requisition.pk)


@login_required
def sku_suggest(request: HttpRequest) -> JsonResponse:
    """Autocomplete for the basket's "Add by SKU" row (the company's part numbers first)."""
    member = getattr(request, "company_member", None)
    return JsonResponse(
        {
            "results": selectors.sku_suggestions(
                request.GET.get("q", ""), company_id=member.company_id if member else None
            )
        }
    )


def basket_export(request: HttpRequest) -> HttpResponse:
    """The basket as CSV at the buyer's prices; it uploads again as a quick order."""
    basket = request.basket
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="basket-{stamp}.csv"'
    writer = csv_export.csv_writer(response)
    writer.writerow(
        ["sku", "quantity", "product", "unit_price_excl_tax", "line_total_excl_tax", "currency"]
    )
    for line in basket.all_lines():
        writer.writerow(
            [
                line.stockrecord.partner_sku if line.stockrecord else "",
                line.quantity,
                line.description,
                line.unit_price_excl_tax if line.unit_price_excl_tax is not None else "",
                line.line_price_excl_tax if line.line_price_excl_tax is not None else "",
                line.price_currency,
            ]
        )
    return response


# Reports shared by lists and "order again" ----------------------------------------------

REPORT_LIMIT = 15


def _joined(parts: list[str]) -> str:
    more = len(parts) - REPORT_LIMIT
    return "; ".join(parts[:REPORT_LIMIT]) + (
        _("; and %(count)s more") % {"count": more} if more > 0 else ""
    )


def report_refused(request: HttpRequest, checked) -> None:
    """One message naming every line that was not added, and why."""
    refused = [
        f"{item.product.get_title() if item.product else (item.parsed.raw or item.parsed.sku)}: "
        f"{' '.join(item.errors)}"
        for item in checked
        if not item.ok
    ]
    if refused:
        messages.warning(
            request,
            _("Not added (%(count)s): %(lines)s")
            % {"count": len(refused), "lines": _joined(refused)},
        )


def report_price_changes(request: HttpRequest, changes) -> None:
    """One message naming the lines whose price today differs from the earlier order."""
    if changes:
        parts = [f"{c.title}: {c.was} → {c.now} {c.currency}" for c in changes]
        messages.info(
            request,
            _("Price changed since that order (%(count)s): %(lines)s")
            % {"count": len(parts), "lines": _joined(parts)},
        )


# Requisition lists ---------------------------------------------------------------------


def _member_or_redirect(request: HttpRequest):
    member = getattr(request, "company_member", None)
    if member is None:
        messages.info(
            request, _("Requisition lists belong to a company account: apply for one first.")
        )
    return member


@login_required
def list_index(request: HttpRequest) -> HttpResponse:
    member = _member_or_redirect(request)
    if member is None:
        return redirect("company:home")
    if request.method == "POST":
        try:
            requisition = services.requisition_from_basket(
                member=member, basket=request.basket, name=request.POST.get("name", "")
            )
        except services.ListError as exc:
            messages.error(request, exc.message)
            return redirect(
                "basket:summary" if request.POST.get("back") == "basket" else "bulk:list-index"
            )
        messages.success(
            request, _("Your basket was saved as the list '%(name)s'.") % {"name": requisition.name}
        )
        return redirect("bulk:list-detail", pk=requisition.pk)
    lists = selectors.requisition_lists_for_member(member=member).order_by("name")
    return render(request, "shop/list_index.html", {"lists": lists})


def _list_or_404(request: HttpRequest, pk: int):
    member = getattr(request, "company_member", None)
    if member is None:
        raise Http404(_("No such list."))
    return member, get_object_or_404(selectors.requisition_lists_for_member(member=member), pk=pk)


@login_required
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member, requisition = _list_or_404(request, pk)
    lines = selectors.requisition_rows(requisition=requisition, strategy=request.strategy)
    return render(
        request,
        "shop/list_detail.html",
        {
            "requisition": requisition,
            "lines": lines,
            "is_owner": requisition.owner_id == request.user.pk,
            "refusal": ordering_refusal(member=member),
        },
    )


@login_required
def list_update(request: HttpRequest, pk: int) -> HttpResponse:
    member, requisition = _list_or_404(request, pk)
    if request.method != "POST":
        return redirect("bulk:list-detail", pk=pk)
    quantities, bad = {}, []
    for key, value in request.POST.items():
        if key.startswith("qty_"):
            line_id = key.removeprefix("qty_")
            text = value.strip() or "0"
            if not (
                parser.is_whole(line_id)
                and parser.is_whole(text)
                and int(text) <= parser.MAX_QUANTITY
            ):
                bad.append(value)
                continue
            quantities[int(line_id)] = int(text)
    if bad:
        messages.error(
            request,
            _("Quantities must be whole numbers from 0 (0 removes the line): %(values)s.")
            % {"values": ", ".join(bad[:5])},
        )
        return redirect("bulk:list-detail", pk=pk)
    try:
        services.requisition_update(
            requisition=requisition,
            member=member,
            quantities=quantities,
            shared=bool(request.POST.get("shared")),
        )
    except services.ListError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("List saved."))
    return redirect("bulk:list-detail", pk=pk)


@login_required
def list_order(request: HttpRequest, pk: int) -> HttpResponse:
    member, requisition = _list_or_404(request, pk)
    if request.method != "POST":
        return redirect("bulk:list-detail", pk=pk)
    refusal = ordering_refusal(member=member)
    if refusal:
        messages.error(request, refusal)
        return redirect("bulk:list-detail", pk=pk)
    chosen = (
        {int(v) for v in request.POST.getlist("line") if parser.is_whole(v)}
        if request.POST.get("chosen")
        else set()
    )
    if request.POST.get("chosen") and not chosen:
        messages.error(request, _("Tick the lines to add first, or use 'Add all to basket'."))
        return redirect("bulk:list-detail", pk=pk)
    checked = services.requisition_order(
        requisition=requisition,
        basket=request.basket,
        strategy=request.strategy,
        line_ids=chosen or None,
    )
    added = sum(1 for c in checked if c.ok)
    if added:
        messages.success(
            request,
            ngettext(
                "%(count)s line of '%(name)s' added to your basket.",
                "%(count)s lines of '%(name)s' added to your basket.",
                added,
            )
            % {"count": added, "name": requisition.name},
        )
    report_refused(request, checked)
    if added:
        return redirect("basket:summary")
    return redirect("bulk:list-detail", pk=pk)


@login_required
def list_delete(request: HttpRequest, pk: int) -> HttpResponse:
    member, requisition = _list_or_404(request, pk)
    if request.method != "POST":
        return redirect("bulk:list-detail", pk=pk)
    if requisition.owner_id != request.user.pk:
        messages.error(request, _("Only the person who made this list can delete it."))
        return redirect("bulk:list-detail", pk=pk)
    requisition.delete()
    messages.success(request, _("List '%(name)s' deleted.") % {"name": requisition.name})
    return redirect("bulk:list-index")


def _target_list(request: HttpRequest, member):
    """The list chosen in a "save to list" form: one of the member's own, or None for new."""
    choice = request.POST.get("list", "new")
    if choice == "new":
        return None
    if not parser.is_whole(choice):
        raise services.ListError(_("Choose one of your lists."))
    found = RequisitionList.objects.filter(owner=member.user, company=member.company, pk=choice)
    requisition = found.first()
    if requisition is None:
        raise services.ListError(_("That list is not one of yours: choose another."))
    return requisition


def _add_to_chosen_list(request: HttpRequest, member, items: dict[int, int]):
    """Add to the list chosen in the form (or a new one); None, with the message, if refused."""
    try:
        return services.requisition_add(
            member=member,
            items=items,
            requisition=_target_list(request, member),
            name=request.POST.get("name", ""),
        )
    except services.ListError as exc:
        messages.error(request, exc.message)
        return None


@login_required
def list_add(request: HttpRequest) -> HttpResponse:
    """Add a product (product page) or a past order's lines (order page) to a list."""
    member = _member_or_redirect(request)
    if member is None:
        return redirect("company:home")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
        back = ""
    if request.method != "POST":
        return redirect("bulk:list-index")
    items: dict[int, int] = {}
    if request.POST.get("order"):
        order = get_object_or_404(orders_for_user(user=request.user), number=request.POST["order"])
        for line in order.lines.exclude(product=None):
            items[line.product_id] = items.get(line.product_id, 0) + line.quantity
    else:
        product_id, quantity = request.POST.get("product", ""), request.POST.get("quantity", "")
        if (
            not parser.is_whole(product_id)
            or not get_model("catalogue", "Product")
            .objects.filter(pk=product_id, is_public=True)
            .exists()
        ):
            raise Http404(_("No such product."))
        if not parser.is_whole(quantity) or not 0 < int(quantity) <= parser.MAX_QUANTITY:
            messages.error(
                request,
                _("'%(value)s' is not a quantity: type a whole number from 1.")
                % {"value": quantity[:20]},
            )
            return redirect(back or "bulk:list-index")
        items[int(product_id)] = int(quantity)
    requisition = _add_to_chosen_list(request, member, items)
    if requisition is None:
        return redirect(back or "bulk:list-index")
    count = len(items)
    list_url = reverse("bulk:list-detail", kwargs={"pk": requisition.pk})
    if back and not request.POST.get("order"):
        # From a product page: the buyer stays there to go on browsing, told where it went.
        product = get_model("catalogue", "Product").objects.get(pk=next(iter(items)))
        record = product.stockrecords.order_by("pk").first()
        messages.success(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                _("%(product)s (%(sku)s) added to your list '%(name)s'.")
                % {
                    "product": product.get_title(),
                    "sku": record.partner_sku if record is not None else product.upc or "-",
                    "name": requisition.name,
                },
                list_url,
                _("View the list"),
            ),
            extra_tags="safe",
        )
        return redirect(back)
    messages.success(
        request,
        ngettext(
            "%(count)s product added to your list '%(name)s'.",
            "%(count)s products added to your list '%(name)s'.",
            count,
        )
        % {"count": count, "name": requisition.name},
    )
    return redirect(list_url)
