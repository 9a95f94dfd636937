"""Form widgets shared by the storefront and the CRM (the CRM may import shop, never the reverse)."""

from django import forms

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """A browser date picker that always renders ISO dates.

    ``<input type="date">`` shows only ``YYYY-MM-DD``; Django's default widget renders the
    active locale's format (``10/12/2026``), which the browser shows as empty, so saving
    the form again would silently clear the date.
    """

    input_type = "date"

    def __init__(self, attrs=None, format=None):  # noqa: A002 (Django's own argument name)
        super().__init__(attrs=attrs, format=format or ISO_DATE)
