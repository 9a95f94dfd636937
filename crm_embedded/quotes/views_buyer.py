"""The buyer's side of quotes, in the storefront at /shop/quotes/: request, read, act, talk."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm_embedded.quotes import documents, selectors, services
from crm_embedded.quotes.forms import (
    BuyerActionForm,
    MessageForm,
    RequestForm,
    RequestLinesForm,
    RequestSourceForm,
)
from crm_embedded.quotes.states import IllegalTransition, State
from shop.catalogue import selectors as catalogue_selectors
from shop.companies.selectors import company_addresses


def _member(request: HttpRequest):
    member = getattr(request, "company_member", None)
    if member is None:
        raise Http404(_("Quotes belong to a company account."))
    return member


def _quote_or_404(request: HttpRequest, number: str):
    return get_object_or_404(selectors.quotes_for_member(member=_member(request)), number=number)


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
    source = RequestSourceForm({**request.GET.dict(), **request.POST.dict()})
    if not source.is_valid() and source.has_error("product"):
        raise Http404(_("No such product."))
    product_id = source.cleaned_data.get("product")
    if product_id:
        product = catalogue_selectors.product_public(product_id=product_id)
        if product is None:
            raise Http404(_("No such product."))
        quantity = source.cleaned_data.get("quantity") or 1
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


def _with_prices_today(company, rows, lines_form) -> None:
    """Each row gets the buyer's unit price today at its quantity, beside the target price."""
    typed = None
    if lines_form.source == "product" and lines_form.is_bound:
        typed = lines_form.cleaned_data.get("quantity_product") if lines_form.is_valid() else None
    pairs = []
    for row in rows:
        quantity = typed or row["quantity"]
        row["price_quantity"] = min(quantity, services.MAX_QUANTITY) if quantity > 0 else 1
        pairs.append((row["product"], row["price_quantity"]))
    prices = selectors.prices_today(company=company, products_quantities=pairs)
    for row in rows:
        row["price_today"], row["price_currency"] = prices.get(row["product"].pk, (None, ""))


@login_required
def quote_request(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    source, rows = _request_rows(request)
    addresses = list(company_addresses(company=member.company).filter(kind="shipping"))
    data = request.POST if request.method == "POST" else None
    form = RequestForm(data, addresses=addresses)
    lines_form = RequestLinesForm(data, rows=rows, source=source)
    if source == "basket" and not rows:
        messages.info(request, _("Your basket has no lines to quote: add products first."))
        return redirect("basket:summary")
    _with_prices_today(member.company, rows, lines_form)
    context = {"form": form, "lines_form": lines_form, "rows": lines_form.bound_rows(),
               "source": source}  # fmt: skip
    if request.method != "POST":
        return render(request, "quotes/buyer/request.html", context)
    if not (form.is_valid() and lines_form.is_valid()):
        messages.error(request, _("Check the fields marked below."))
        return render(request, "quotes/buyer/request.html", context, status=400)
    items, chosen = lines_form.items()
    address_id = form.cleaned_data.get("delivery_address")
    address = next((a for a in addresses if str(a.pk) == address_id), None)
    try:
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


def _detail(request: HttpRequest, quote, *, status: int = 200, **forms) -> HttpResponse:
    """The buyer's page of a quote; ``forms`` are bound forms to show again with errors."""
    member = _member(request)
    return render(
        request,
        "quotes/buyer/detail.html",
        {
            "quote": quote,
            "latest": quote.latest_version,
            "lines": quote.lines.all(),
            "versions": selectors.quote_versions_with_changes(quote=quote),
            "thread": selectors.quote_thread(quote=quote, staff=False),
            "message_form": forms.get("message_form") or MessageForm(),
            "action_form": forms.get("action_form"),
            "action": forms.get("action", ""),
            "can_act": member.role != member.Role.VIEWER,
            "State": State,
        },
        status=status,
    )


@login_required
def quote_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _detail(request, _quote_or_404(request, number))


@login_required
@require_POST
def quote_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    member = _member(request)
    quote = _quote_or_404(request, number)
    if action not in ("accept", "decline", "changes", "cancel"):
        raise Http404(_("No such action."))
    form = BuyerActionForm(request.POST)
    if not form.is_valid():
        return _detail(request, quote, status=400, action_form=form, action=action)
    text = form.cleaned_data["text"]
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
        else:
            services.quote_cancel(quote=quote, member=member, reason=text, basket=request.basket)
            messages.success(request, _("Quote %(quote)s cancelled.") % {"quote": quote.number})
    except (services.QuoteError, IllegalTransition) as exc:
        form.add_error(None, exc.message)
        return _detail(request, quote, status=400, action_form=form, action=action)
    return redirect("quotes:detail", number=quote.number)


@login_required
@require_POST
def quote_message(request: HttpRequest, number: str) -> HttpResponse:
    member = _member(request)
    quote = _quote_or_404(request, number)
    form = MessageForm(request.POST)
    if not form.is_valid():
        return _detail(request, quote, status=400, message_form=form)
    try:
        services.quote_message_post(
            quote=quote, author=member.user, body=form.cleaned_data["body"],
            from_staff=False, line_id=form.cleaned_data.get("line"),
        )  # fmt: skip
    except services.QuoteError as exc:
        form.add_error(None, exc.message)
        return _detail(request, quote, status=400, message_form=form)
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
