"""The tasks room: an account manager's to-dos (list, new, edit, done with an outcome)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from crm_embedded.access import staff_required
from crm_embedded.tasks import selectors, services
from crm_embedded.tasks.forms import TaskDoneForm, TaskFilterForm, TaskForm
from crm_embedded.tasks.models import Task
from crm_embedded.tasks.services import TaskError
from shop.companies.selectors import companies_for_staff

PAGE_SIZE = 50
# Form field for each service error field (the service speaks of due_at, the form of a date).
FORM_FIELDS = {"due_at": "due_date", "title": "title", "owner": "owner", "quote": "quote",
               "opportunity": "opportunity", "outcome": "outcome"}  # fmt: skip


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _task_or_404(request: HttpRequest, pk: int) -> Task:
    return get_object_or_404(selectors.tasks_for_staff(user=request.user), pk=pk)


def _add_error(form, error: TaskError) -> None:
    field = FORM_FIELDS.get(error.field or "")
    if field not in form.fields or form.fields[field].widget.is_hidden:
        field = None  # a hidden link's message goes above the form, where it is read
    form.add_error(field, error.message)


@staff_required
def task_list(request: HttpRequest) -> HttpResponse:
    filters = TaskFilterForm(request.GET)
    chosen = filters.values()
    now = timezone.now()
    tasks = selectors.tasks_for_staff(user=request.user)
    if chosen["scope"] == "mine":
        tasks = tasks.filter(owner=request.user)
    if chosen["status"] == "open":
        tasks = tasks.filter(done_at__isnull=True)
    elif chosen["status"] == "overdue":
        tasks = tasks.filter(done_at__isnull=True, due_at__lt=now)
    elif chosen["status"] == "done":
        tasks = tasks.filter(done_at__isnull=False).order_by("-done_at", "-pk")
    if chosen["priority"]:
        tasks = tasks.filter(priority=chosen["priority"])
    company = None
    if chosen["company"]:
        company = get_object_or_404(companies_for_staff(user=request.user), pk=chosen["company"])
        tasks = tasks.filter(company=company)
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "crm/tasks/task_list.html", {
        "crm_tab": "tasks", "filters": filters, "chosen": chosen, "page": page,
        "tasks": page.object_list, "now": now, "query": query.urlencode(), "company": company,
    })  # fmt: skip


def _form_querysets(request: HttpRequest) -> dict:
    companies = companies_for_staff(user=request.user)
    return {
        "owners": selectors.task_owners(),
        "companies": companies,
        "quotes": selectors.quotes_for_companies(companies=companies),
        "opportunities": selectors.opportunities_for_companies(companies=companies),
    }


def _prefill(request: HttpRequest, querysets: dict) -> dict:
    """Initial links from ?company=&quote=&opportunity=; one the user may not see is a 404."""
    initial = {"owner": request.user.pk}
    for name, queryset in (("quote", querysets["quotes"]),
                           ("opportunity", querysets["opportunities"]),
                           ("company", querysets["companies"])):  # fmt: skip
        raw = request.GET.get(name, "")
        if not raw:
            continue
        if not raw.isdigit():
            raise Http404
        linked = get_object_or_404(queryset, pk=int(raw))
        initial[name] = linked.pk
        if name != "company":
            initial["company"] = linked.company_id
            initial.setdefault("title", _("Follow up: %(what)s") % {"what": linked})
    return initial


@staff_required
def task_create(request: HttpRequest) -> HttpResponse:
    querysets = _form_querysets(request)
    if request.method == "POST":
        form = TaskForm(request.POST, **querysets)
        if form.is_valid():
            data = form.cleaned_data
            try:
                task = services.task_create(
                    owner=data["owner"], title=data["title"], description=data["description"],
                    priority=data["priority"], due_at=data["due_at"], company=data["company"],
                    quote=data["quote"], opportunity=data["opportunity"],
                    source=Task.Source.MANUAL, created_by=request.user,
                )  # fmt: skip
            except TaskError as error:
                _add_error(form, error)
            else:
                messages.success(request, _("Task created: %(task)s") % {"task": task.title})
                return redirect(_next_url(request, "crm:task-list"))
        status = 400
    else:
        form = TaskForm(initial=_prefill(request, querysets), **querysets)
        status = 200
    return render(request, "crm/tasks/task_form.html", {
        "crm_tab": "tasks", "form": form, "task": None, "links": _linked(form, querysets),
        "next": _next_url(request, ""),
    }, status=status)  # fmt: skip


def _linked(form, querysets: dict) -> dict:
    """The quote and opportunity the (hidden) fields point at, to show them by name."""
    result = {}
    for name, queryset in (("quote", querysets["quotes"]),
                           ("opportunity", querysets["opportunities"])):  # fmt: skip
        value = form[name].value()
        if value and str(value).isdigit():
            result[name] = queryset.filter(pk=int(value)).first()
    return result


@staff_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_or_404(request, pk)
    querysets = _form_querysets(request)
    if request.method == "POST":
        form = TaskForm(request.POST, task=task, **querysets)
        if form.is_valid():
            data = form.cleaned_data
            fields = {name: data[name] for name in (
                "owner", "title", "description", "priority", "due_at", "company", "quote",
                "opportunity")}  # fmt: skip
            try:
                services.task_update(task=task, by=request.user, **fields)
            except TaskError as error:
                _add_error(form, error)
            else:
                messages.success(request, _("Task saved: %(task)s") % {"task": task.title})
                return redirect(_next_url(request, "crm:task-list"))
        status = 400
    else:
        form = TaskForm(initial=TaskForm.initial_for(task), task=task, **querysets)
        status = 200
    return render(request, "crm/tasks/task_form.html", {
        "crm_tab": "tasks", "form": form, "task": task, "links": _linked(form, querysets),
        "next": _next_url(request, ""),
    }, status=status)  # fmt: skip


@staff_required
def task_done(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_or_404(request, pk)
    if request.method == "POST":
        form = TaskDoneForm(request.POST)
        if form.is_valid():
            try:
                services.task_complete(
                    task=task, by=request.user, outcome=form.cleaned_data["outcome"]
                )
            except TaskError as error:
                _add_error(form, error)
            else:
                messages.success(request, _("Done: %(task)s") % {"task": task.title})
                return redirect(_next_url(request, "crm:task-list"))
        status = 400
    else:
        form = TaskDoneForm()
        status = 200
    return render(request, "crm/tasks/task_done.html", {
        "crm_tab": "tasks", "form": form, "task": task, "next": _next_url(request, ""),
    }, status=status)  # fmt: skip
