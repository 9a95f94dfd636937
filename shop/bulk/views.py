"""The quick order page: paste or upload lines, see every line checked, fix them, add at once."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from shop.bulk import parser, services
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
            messages.success(request, f"{added} lines added to your basket.")
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
