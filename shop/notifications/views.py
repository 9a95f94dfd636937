"""Notification pages: a buyer's email preferences and the operator's log of sent emails."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext
from django.views import generic
from django.views.decorators.http import require_POST

from shop.companies.selectors import membership_for_user
from shop.notifications import selectors, services
from shop.notifications.forms import NotificationLogFilterForm, NotificationPreferencesForm
from shop.notifications.models import NotificationLog, NotificationPreference

COMPANY_ORDERS = NotificationPreference.Topic.COMPANY_ORDERS


@login_required
def preferences(request):
    """Let a logged-in user choose their emails' topics and language."""
    member = membership_for_user(user=request.user) is not None
    if request.method == "POST":
        form = NotificationPreferencesForm(request.POST, company_member=member)
        if form.is_valid():
            topics = {COMPANY_ORDERS: form.cleaned_data["company_orders"]} if member else {}
            services.notification_preferences_save(
                user=request.user, topics=topics, language=form.cleaned_data["language"]
            )
            messages.success(request, gettext("Your email settings are saved."))
            return redirect("notifications:preferences")
    else:
        stored = selectors.user_language(user=request.user, default="")
        current = get_language() or ""
        if current not in dict(settings.LANGUAGES):
            current = settings.LANGUAGE_CODE
        form = NotificationPreferencesForm(
            initial={
                "company_orders": selectors.user_topic_enabled(
                    user=request.user, topic=COMPANY_ORDERS
                ),
                "language": stored or current,
            },
            company_member=member,
        )
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "page_title": gettext("Email settings"), "active_tab": "email_settings"},
    )


class SuperuserRequiredMixin:
    """The operator's pages: a login for visitors, a 404 for anybody but a superuser."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_superuser:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class NotificationLogListView(SuperuserRequiredMixin, generic.ListView):
    template_name = "notifications/log_list.html"
    context_object_name = "entries"
    paginate_by = 50

    def get_queryset(self):
        self.form = NotificationLogFilterForm(self.request.GET or None)
        return selectors.notification_logs(**self.form.filters())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["form"] = self.form
        ctx["statuses"] = NotificationLog.Status
        return ctx


class NotificationLogDetailView(SuperuserRequiredMixin, generic.DetailView):
    template_name = "notifications/log_detail.html"
    context_object_name = "entry"
    model = NotificationLog


@method_decorator(require_POST, name="dispatch")
class NotificationResendView(SuperuserRequiredMixin, generic.View):
    def post(self, request, pk: int):
        entry = get_object_or_404(NotificationLog, pk=pk)
        if entry.status != NotificationLog.Status.FAILED:
            messages.error(request, gettext("Only a failed email can be sent again."))
        else:
            services.notification_resend(entry=entry)
            messages.success(
                request,
                gettext("The email is queued to be sent again to %(to)s.")
                % {"to": ", ".join(entry.recipients)},
            )
        back = request.POST.get("next", "")
        if back and url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(back)
        return redirect("notifications:log-list")
