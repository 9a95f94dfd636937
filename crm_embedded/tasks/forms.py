"""Input of the tasks room: a task (new or edited), its outcome, the list's filters."""

from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm_embedded.tasks.models import Task
from shop.validators import TextGuardMixin
from shop.widgets import DateInput

# A task due "on a day" (no time typed) is due by the end of that day.
END_OF_DAY = time(23, 59)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None, format=None):  # noqa: A002 (Django's own argument name)
        super().__init__(attrs=attrs, format=format or "%H:%M")


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.email


class TaskForm(TextGuardMixin, forms.Form):
    """A task by hand: what, for whom, by when, about which account, quote or opportunity."""

    title = forms.CharField(label=_("Task"), max_length=200)
    description = forms.CharField(
        label=_("Details"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    owner = StaffChoiceField(label=_("Owner"), queryset=None, empty_label=None)
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Task.Priority.choices, coerce=int,
        initial=Task.Priority.NORMAL,
    )  # fmt: skip
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput())
    due_time = forms.TimeField(
        label=_("Time"), required=False, widget=TimeInput(),
        help_text=_("Optional: without a time the task is due by the end of the day."),
    )  # fmt: skip
    company = forms.ModelChoiceField(
        label=_("Account"), queryset=None, required=False, empty_label=_("— no account —")
    )
    quote = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)
    opportunity = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, owners, companies, quotes, opportunities, task=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.task = task
        self.fields["owner"].queryset = owners
        self.fields["company"].queryset = companies
        self.fields["quote"].queryset = quotes
        self.fields["opportunity"].queryset = opportunities

    def clean(self):
        cleaned = super().clean()
        for name in ("quote", "opportunity"):  # hidden: their errors belong above the form
            if name in self.errors:
                self.errors.pop(name)
                self.add_error(None, _("The linked %(what)s is not one you may see: start again from it.") % {
                    "what": _("quote") if name == "quote" else _("opportunity")})  # fmt: skip
        return self._due_clean(cleaned)

    def clean_due_time(self):
        value = self.cleaned_data.get("due_time")
        if value is not None and not self.data.get(self.add_prefix("due_date")):
            raise forms.ValidationError(
                _("Give a due date for this time, or leave the time empty.")
            )
        return value

    def _due_clean(self, cleaned: dict) -> dict:
        day = cleaned.get("due_date")
        if day is None:
            cleaned["due_at"] = None
            return cleaned
        at = timezone.make_aware(datetime.combine(day, cleaned.get("due_time") or END_OF_DAY))
        cleaned["due_at"] = at
        unchanged = self.task is not None and self.task.due_at == at
        if at < timezone.now() and not unchanged:
            self.add_error(
                "due_date",
                _(
                    "This due date is in the past: choose today or a later date (or leave it empty)."
                ),
            )
        return cleaned

    @classmethod
    def initial_for(cls, task: Task) -> dict:
        """The form's values for an existing task (the due time only when one was typed)."""
        due = timezone.localtime(task.due_at) if task.due_at else None
        return {
            "title": task.title,
            "description": task.description,
            "owner": task.owner_id,
            "priority": task.priority,
            "due_date": due.date() if due else None,
            "due_time": due.time().replace(second=0, microsecond=0)
            if due and due.time().replace(second=0, microsecond=0) != END_OF_DAY
            else None,
            "company": task.company_id,
            "quote": task.quote_id,
            "opportunity": task.opportunity_id,
        }


class TaskDoneForm(TextGuardMixin, forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What came of it, for whoever reads the account later."),
        error_messages={"required": _("Write the outcome: what came of it (e.g. “Called, offer accepted”).")},
    )  # fmt: skip


class TaskFilterForm(forms.Form):
    """The task list's filters (GET); anything unknown falls back to the default."""

    SCOPES = [("mine", _("My tasks")), ("all", _("All I may see"))]
    STATUSES = [
        ("open", _("Open")),
        ("overdue", _("Overdue")),
        ("done", _("Done")),
        ("any", _("Any")),
    ]

    scope = forms.ChoiceField(label=_("Whose"), choices=SCOPES, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=STATUSES, required=False)
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=[("", _("Any"))] + list(Task.Priority.choices),
        coerce=int, required=False, empty_value=None,
    )  # fmt: skip

    company = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def values(self) -> dict:
        """The chosen filters, defaults for anything missing or invalid."""
        values = {"scope": "mine", "status": "open", "priority": None, "company": None}
        self.is_valid()  # keeps the valid fields' values in cleaned_data
        values.update({k: v for k, v in self.cleaned_data.items() if v not in ("", None)})
        return values
