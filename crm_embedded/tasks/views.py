"""The tasks room: an account manager's to-dos."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm_embedded.access import staff_required
from crm_embedded.tasks.models import Task


@staff_required
@require_POST
def task_done(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(Task, pk=pk, owner=request.user)
    task.done_at = timezone.now()
    task.save(update_fields=["done_at"])
    messages.success(request, _("Done: %(task)s") % {"task": task.title})
    return redirect("crm:home")
