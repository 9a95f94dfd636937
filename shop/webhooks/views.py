"""The operator's webhook pages (superusers only): endpoints, the delivery log, redelivery."""

import json

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext
from django.views import generic

from shop.webhooks import selectors, services
from shop.webhooks.forms import DeliveryFilterForm, WebhookEndpointForm
from shop.webhooks.models import WebhookEndpoint


class SuperuserRequiredMixin:
    """Only superusers: others are sent to log in, or refused when they are logged in."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (request.user.is_active and request.user.is_superuser):
            raise PermissionDenied(gettext("Only the site operator manages webhooks."))
        return super().dispatch(request, *args, **kwargs)


class EndpointListView(SuperuserRequiredMixin, generic.ListView):
    template_name = "webhooks/endpoint_list.html"
    context_object_name = "endpoints"
    paginate_by = 50

    def get_queryset(self):
        return selectors.webhook_endpoints_for_operator()


class EndpointFormMixin(SuperuserRequiredMixin):
    template_name = "webhooks/endpoint_form.html"

    def _respond(self, form, status=200):
        return self.render_to_response(self.get_context_data(form=form), status=status)

    def post(self, request, *args, **kwargs):
        self.object = self.get_endpoint()
        form = WebhookEndpointForm(request.POST)
        if form.is_valid():
            try:
                endpoint = self._save(form)
            except services.WebhookError as exc:
                form.add_error(exc.field, exc.message)
            else:
                return redirect("webhooks:endpoint-update", pk=endpoint.pk)
        messages.error(request, gettext("Nothing was saved: correct the form below."))
        return self._respond(form, status=400)


class EndpointCreateView(EndpointFormMixin, generic.TemplateView):
    def get_endpoint(self):
        return None

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("form", WebhookEndpointForm())
        ctx["endpoint"] = None
        return ctx

    def _save(self, form):
        endpoint = services.webhook_endpoint_create(
            url=form.cleaned_data["url"],
            description=form.cleaned_data["description"],
            events=form.cleaned_data["events"],
            active=form.cleaned_data["active"],
        )
        messages.success(
            self.request,
            gettext(
                "Endpoint added. Give its signing secret (below) to the receiver: it verifies "
                "every request with it."
            ),
        )
        return endpoint


class EndpointUpdateView(EndpointFormMixin, generic.TemplateView):
    def get_endpoint(self):
        return get_object_or_404(WebhookEndpoint, pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        self.object = self.get_endpoint()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("form", WebhookEndpointForm.for_endpoint(self.object))
        ctx["endpoint"] = self.object
        return ctx

    def _save(self, form):
        endpoint = services.webhook_endpoint_update(
            endpoint=self.object,
            url=form.cleaned_data["url"],
            description=form.cleaned_data["description"],
            events=form.cleaned_data["events"],
            active=form.cleaned_data["active"],
        )
        messages.success(self.request, gettext("Endpoint saved."))
        return endpoint


class EndpointDeactivateView(SuperuserRequiredMixin, generic.View):
    http_method_names = ["post"]

    def post(self, request, pk):
        endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
        services.webhook_endpoint_deactivate(endpoint=endpoint)
        messages.success(
            request,
            gettext("Endpoint %(url)s deactivated: nothing more is sent to it.")
            % {"url": endpoint.url},
        )
        return redirect("webhooks:endpoint-list")


class EndpointSecretRotateView(SuperuserRequiredMixin, generic.View):
    http_method_names = ["post"]

    def post(self, request, pk):
        endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
        services.webhook_endpoint_secret_rotate(endpoint=endpoint)
        messages.success(
            request,
            gettext(
                "New signing secret made: requests are signed with it from now on. Give it to "
                "the receiver."
            ),
        )
        return redirect("webhooks:endpoint-update", pk=endpoint.pk)


class DeliveryListView(SuperuserRequiredMixin, generic.ListView):
    template_name = "webhooks/delivery_list.html"
    context_object_name = "deliveries"
    paginate_by = 25

    def get_queryset(self):
        self.filter_form = DeliveryFilterForm(self.request.GET or None)
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        endpoint = filters.get("endpoint")
        return selectors.webhook_deliveries_for_operator(
            endpoint_id=endpoint.pk if endpoint else None,
            status=filters.get("status", ""),
            event_type=filters.get("event", ""),
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["filter_form"] = self.filter_form
        return ctx


class DeliveryDetailView(SuperuserRequiredMixin, generic.TemplateView):
    template_name = "webhooks/delivery_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        delivery = selectors.webhook_delivery_with_attempts(delivery_id=self.kwargs["pk"])
        if delivery is None:
            raise Http404
        ctx["delivery"] = delivery
        ctx["attempts"] = list(delivery.attempt_log.all())
        # Indented for reading; the request carries the same JSON compact (webhook_body).
        ctx["body"] = json.dumps(delivery.event.payload, indent=2, sort_keys=True)
        return ctx


class DeliveryRedeliverView(SuperuserRequiredMixin, generic.View):
    http_method_names = ["post"]

    def post(self, request, pk):
        delivery = selectors.webhook_delivery_with_attempts(delivery_id=pk)
        if delivery is None:
            raise Http404
        try:
            services.webhook_delivery_redeliver(delivery=delivery, by_user=request.user)
        except services.WebhookError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                gettext(
                    "Redelivery queued: a new attempt is made now (by the worker, or by the "
                    "next delivery run)."
                ),
            )
        return redirect("webhooks:delivery-detail", pk=pk)
