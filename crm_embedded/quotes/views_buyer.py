"""The buyer's side of quotes, in the storefront at /shop/quotes/: request, read, act, talk."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from oscar.core.loading import get_model

from crm_embedded.quotes import documents, selectors, services
from crm_embedded.quotes.forms import MessageForm, RequestForm
from crm_embedded.quotes.states import IllegalTransition, State
from shop.bulk.parser import is_whole
from shop.companies.selectors import company_addresses
from shop.money import money_round

Product = get_model("catalogue", "Product")


def _member(request: HttpRequest):
    member = getattr(request, "company_member", None)
    if member is None:
        raise Http404(_("Quotes belong to a company account."))
    return member


def _quote_or_404(request: HttpRequest, number: str):
    return get_object_or_404(selectors.quotes_for_member(member=_member(request)), number=number)


def _money(text: str, what: str) -> Decimal | None:
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise services.QuoteError(
            _("%(what)s: '%(value)s' is not an amount.") % {"what": what, "value": text[:20]}
        ) from None
    if not value.is_finite() or value >= services.MAX_PRICE:
        raise services.QuoteError(
            _("%(what)s: '%(value)s' is not a price we can quote (up to %(max)s).")
            % {"what": what, "value": text[:20], "max": f"{services.MAX_PRICE:,}"}
        )
    if value < 0:
        raise services.QuoteError(
            _("%(what)s: a target price cannot be negative.") % {"what": what}
        )
    return money_round(value)


@login_required
def quote_list(request: HttpRequest) -> HttpResponse:
    member = getattr(request, "company_member", None)
    if member is None:
        messages.info(request, _("Quotes belong to a company account: apply for one first."))
        return redirect("company:home")
    quotes = selectors.quotes_for_member(member=member)
    return render(request, "quotes/buyer/list.html", {"quotes": quotes[:200]})


def _request_rows(request: HttpRequest):
    """What the request is about: one product (?product=&quantity=) or the basket's lines."""
    product_id = request.GET.get("product") or request.POST.get("product")
    if product_id:
        if not is_whole(product_id):
            raise Http404(_("No such product."))
        product = get_object_or_404(Product, pk=product_id, is_public=True)
        quantity = request.GET.get("quantity") or request.POST.get("quantity_product") or "1"
        return "product", [{"product": product, "quantity": quantity, "key": "product"}]
    lines = (
        [line for line in request.basket.all_lines() if line.quoted_unit_price is None]
        if request.basket.id
        else []
    )
    return "basket", [
        {"product": line.product, "quantity": line.quantity, "key": str(line.pk), "line": line}
        for line in lines
    ]


def _with_prices_today(company, rows) -> None:
    """Each row gets the buyer's unit price today at its quantity, beside the target price."""
    pairs = []
    for row in rows:
        quantity = str(row["quantity"]).strip()
        row["price_quantity"] = min(int(quantity), services.MAX_QUANTITY) if (
            is_whole(quantity) and int(quantity) > 0) else 1  # fmt: skip
        pairs.append((row["product"], row["price_quantity"]))
    prices = services.prices_today(company=company, products_quantities=pairs)
    for row in rows:
        row["price_today"], row["price_currency"] = prices.get(row["product"].pk, (None, ""))


@login_required
def quote_request(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    source, rows = _request_rows(request)
    addresses = list(company_addresses(company=member.company).filter(kind="shipping"))
    form = RequestForm(request.POST or None, addresses=addresses)
    for row in rows:
        row["target"] = request.POST.get(f"target_{row['key']}", "")
        row["checked"] = request.method != "POST" or bool(request.POST.get(f"line_{row['key']}"))
    _with_prices_today(member.company, rows)
    context = {"form": form, "rows": rows, "source": source}
    if source == "basket" and not rows:
        messages.info(request, _("Your basket has no lines to quote: add products first."))
        return redirect("basket:summary")
    if request.method != "POST":
        return render(request, "quotes/buyer/request.html", context)
    try:
        if not form.is_valid():
            raise services.QuoteError(_("Check the fields marked below."))
        items, chosen = [], set()
        for row in rows:
            key = row["key"]
            if source == "basket" and not request.POST.get(f"line_{key}"):
                continue
            quantity_text = (
                request.POST.get("quantity_product", "")
                if source == "product"
                else str(row["quantity"])
            ).strip()
            if not is_whole(quantity_text) or int(quantity_text) == 0:
                raise services.QuoteError(
                    _("%(product)s: the quantity must be a whole number from 1.")
                    % {"product": row["product"].get_title()}
                )
            target = _money(request.POST.get(f"target_{key}", ""), row["product"].get_title())
            items.append(services.RequestItem(row["product"].pk, int(quantity_text), target))
            if source == "basket":
                chosen.add(int(key))
        address_id = form.cleaned_data.get("delivery_address")
        address = next((a for a in addresses if str(a.pk) == address_id), None)
        quote = services.quote_request(
            member=member,
            items=items,
            note=form.cleaned_data["note"],
            needed_by=form.cleaned_data.get("needed_by"),
            delivery_address=address,
            basket=request.basket if source == "basket" else None,
            basket_line_ids=chosen if source == "basket" else None,
        )
    except services.QuoteError as exc:
        messages.error(request, exc.message)
        return render(request, "quotes/buyer/request.html", context, status=400)
    messages.success(
        request,
        _("Request %(quote)s sent to your account manager.") % {"quote": quote.number}
        + (
            " " + _("Its lines left your basket; the quote keeps them.")
            if source == "basket"
            else ""
        ),
    )
    return redirect("quotes:detail", number=quote.number)


@login_required
def quote_detail(request: HttpRequest, number: str) -> HttpResponse:
    member = _member(request)
    quote = _quote_or_404(request, number)
    latest = quote.latest_version
    return render(
        request,
        "quotes/buyer/detail.html",
        {
            "quote": quote,
            "latest": latest,
            "lines": quote.lines.all(),
            "versions": selectors.quote_versions_with_changes(quote=quote),
            "thread": selectors.quote_thread(quote=quote, staff=False),
            "message_form": MessageForm(),
            "can_act": member.role != member.Role.VIEWER,
            "State": State,
        },
    )


@login_required
@require_POST
def quote_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    member = _member(request)
    quote = _quote_or_404(request, number)
    text = request.POST.get("text", "")
    try:
        if action == "accept":
            services.quote_accept(quote=quote, member=member, basket=request.basket)
            messages.success(
                request,
                _(
                    "Quote %(quote)s accepted: its lines are in your basket at the quoted "
                    "prices. Check out as usual."
                )
                % {"quote": quote.number},
            )
            return redirect("basket:summary")
        if action == "decline":
            services.quote_decline(quote=quote, member=member, reason=text)
            messages.success(request, _("You declined quote %(quote)s.") % {"quote": quote.number})
        elif action == "changes":
            services.quote_ask_changes(quote=quote, member=member, message=text)
            messages.success(request, _("Your account manager will send a revised offer."))
        elif action == "cancel":
            services.quote_cancel(quote=quote, member=member, reason=text, basket=request.basket)
            messages.success(request, _("Quote %(quote)s cancelled.") % {"quote": quote.number})
        else:
            raise Http404(_("No such action."))
    except (services.QuoteError, IllegalTransition) as exc:
        messages.error(request, exc.message)
    return redirect("quotes:detail", number=quote.number)


@login_required
@require_POST
def quote_message(request: HttpRequest, number: str) -> HttpResponse:
    member = _member(request)
    quote = _quote_or_404(request, number)
    form = MessageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a message first (up to 4,000 characters)."))
        return redirect("quotes:detail", number=quote.number)
    try:
        services.quote_message_post(
            quote=quote, author=member.user, body=form.cleaned_data["body"],
            from_staff=False, line_id=form.cleaned_data.get("line"),
        )  # fmt: skip
    except services.QuoteError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Message sent to your account manager."))
    return redirect("quotes:detail", number=quote.number)


def version_pdf_response(version) -> HttpResponse:
    """The PDF of one sent version as a download, or a 503 with the reason."""
    try:
        data = documents.quote_version_pdf(version=version)
    except documents.DocumentUnavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type="application/pdf")
    filename = documents.quote_version_filename(version)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def quote_pdf(request: HttpRequest, number: str, version: int) -> HttpResponse:
    quote = _quote_or_404(request, number)
    return version_pdf_response(get_object_or_404(quote.versions, number=version))
