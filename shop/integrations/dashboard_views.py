"""Operator pages: integration tokens (superusers only, checked here on the server)."""

from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.views import generic
from django.views.decorators.cache import never_cache

from shop.integrations.forms import TokenCreateForm
from shop.integrations.models import IntegrationToken
from shop.integrations.selectors import tokens_for_operator
from shop.integrations.services import IntegrationError, token_create, token_revoke

# The new key travels to the next page once in the session, never in a URL or a message.
NEW_KEY_SESSION = "integrations_new_token_key"


class SuperuserRequiredMixin(AccessMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.is_superuser:
            self.raise_exception = True
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)


@method_decorator(never_cache, name="dispatch")  # the page may show a new key once
class TokenListView(SuperuserRequiredMixin, generic.ListView):
    template_name = "integrations/token_list.html"
    context_object_name = "tokens"
    paginate_by = 50

    def get_queryset(self):
        return tokens_for_operator()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["form"] = kwargs.get("form") or TokenCreateForm()
        new = self.request.session.pop(NEW_KEY_SESSION, None)
        if new:
            ctx["new_token_name"], ctx["new_token_key"] = new
        return ctx

    def post(self, request, *args, **kwargs):
        form = TokenCreateForm(request.POST)
        if form.is_valid():
            try:
                created = token_create(
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                    created_by=request.user,
                )
            except IntegrationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                request.session[NEW_KEY_SESSION] = (created.token.name, created.key)
                return redirect("integrations:token-list")
        self.object_list = self.get_queryset()
        messages.error(request, gettext("No token was created: correct the form below."))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class TokenRevokeView(SuperuserRequiredMixin, generic.View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        token = get_object_or_404(IntegrationToken, pk=pk)
        token_revoke(token=token)
        messages.success(
            request,
            gettext("Token “%(name)s” is revoked: requests with it are refused from now on.")
            % {"name": token.name},
        )
        return redirect("integrations:token-list")
