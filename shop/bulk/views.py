"""The quick order page: paste or upload lines, see every line checked, fix them, add at once."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from shop.bulk import parser, selectors, services
from shop.companies.permissions import ordering_refusal


class QuickOrderForm(forms.Form):
    lines = forms.CharField(
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 10, "placeholder": "BRG-BB-000001 10\nAUT-FL-000015, 4"}
        ),
        label="One line per product: SKU and quantity",
    )
    file = forms.FileField(required=False, label="…or upload a CSV or XLSX file (SKU, quantity)")


def _lines_from_table(post) -> str:
    """Rebuild the order text from the table of checked lines the buyer edited in place."""
    rows = []
    for index in range(int(post.get("rows", 0) or 0)):
        if post.get(f"remove_{index}"):
            continue
        sku, quantity = post.get(f"sku_{index}", "").strip(), post.get(f"qty_{index}", "").strip()
        if sku or quantity:
            rows.append(f"{sku}\t{quantity}")
    return "\n".join(rows)


@login_required
def quick_order(request: HttpRequest) -> HttpResponse:
    refusal = ordering_refusal(member=getattr(request, "company_member", None))
    form = QuickOrderForm(request.POST or None, request.FILES or None)
    context = {"form": form, "refusal": refusal}
    if request.method != "POST":
        return render(request, "shop/quick_order.html", context)
    if "rows" in request.POST:
        result = parser.parse_text(_lines_from_table(request.POST))
    elif form.is_valid() and form.cleaned_data.get("file"):
        upload = form.cleaned_data["file"]
        if upload.size > parser.MAX_FILE_BYTES:
            result = parser.ParseResult([], "The file is larger than 5 MB: split it.")
        else:
            result = parser.parse_file(upload.name, upload.read())
    else:
        result = parser.parse_text(request.POST.get("lines", ""))
    if result.error:
        messages.error(request, result.error)
        return render(request, "shop/quick_order.html", context, status=400)
    checked = services.quick_order_check(
        lines=result.lines, basket=request.basket, strategy=request.strategy
    )
    if request.POST.get("action") == "add" and not refusal:
        added = services.quick_order_add(basket=request.basket, checked=checked)
        remaining = [c for c in checked if not c.ok]
        if added:
            messages.success(
                request, f"{added} line{'s' if added != 1 else ''} added to your basket."
            )
        if not remaining:
            return redirect("basket:summary")
        messages.warning(
            request,
            f"{len(remaining)} lines still need fixing: they are below, nothing of them was added.",
        )
        checked = remaining
    elif request.POST.get("action") == "add":
        messages.error(request, refusal)
    context.update(
        checked=checked,
        valid_count=sum(1 for c in checked if c.ok),
        error_count=sum(1 for c in checked if not c.ok),
    )
    return render(request, "shop/quick_order.html", context)


# Requisition lists ---------------------------------------------------------------------


def _member_or_redirect(request: HttpRequest):
    member = getattr(request, "company_member", None)
    if member is None:
        messages.info(
            request, "Requisition lists belong to a company account: apply for one first."
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
        messages.success(request, f"Your basket was saved as the list '{requisition.name}'.")
        return redirect("bulk:list-detail", pk=requisition.pk)
    lists = selectors.requisition_lists_for_member(member=member).order_by("name")
    return render(request, "shop/list_index.html", {"lists": lists})


def _list_or_404(request: HttpRequest, pk: int):
    member = getattr(request, "company_member", None)
    if member is None:
        raise Http404("No such list.")
    return member, get_object_or_404(selectors.requisition_lists_for_member(member=member), pk=pk)


@login_required
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member, requisition = _list_or_404(request, pk)
    lines = requisition.lines.select_related("product").order_by("id")
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
            if not (line_id.isdigit() and text.isdigit() and int(text) <= parser.MAX_QUANTITY):
                bad.append(value)
                continue
            quantities[int(line_id)] = int(text)
    if bad:
        messages.error(
            request,
            f"Quantities must be whole numbers from 0 (0 removes the line): {', '.join(bad[:5])}.",
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
        messages.success(request, "List saved.")
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
        {int(v) for v in request.POST.getlist("line") if v.isdigit()}
        if request.POST.get("chosen")
        else set()
    )
    if request.POST.get("chosen") and not chosen:
        messages.error(request, "Tick the lines to add first, or use 'Add all to basket'.")
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
            f"{added} line{'s' if added != 1 else ''} of '{requisition.name}' added to your basket.",
        )
    for item in checked:
        if not item.ok:
            title = item.product.get_title() if item.product else item.parsed.sku
            messages.warning(request, f"{title}: {' '.join(item.errors)} (not added)")
    if added:
        return redirect("basket:summary")
    return redirect("bulk:list-detail", pk=pk)


@login_required
def list_delete(request: HttpRequest, pk: int) -> HttpResponse:
    member, requisition = _list_or_404(request, pk)
    if request.method != "POST":
        return redirect("bulk:list-detail", pk=pk)
    if requisition.owner_id != request.user.pk:
        messages.error(request, "Only the person who made this list can delete it.")
        return redirect("bulk:list-detail", pk=pk)
    requisition.delete()
    messages.success(request, f"List '{requisition.name}' deleted.")
    return redirect("bulk:list-index")
