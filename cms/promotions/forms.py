from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from shop.validators import TextGuardMixin


class BannerForm(TextGuardMixin, WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        audience = cleaned.get("audience")
        companies = cleaned.get("companies")
        if audience == "companies" and not companies:
            self.add_error(
                "companies",
                _("Choose at least one company for this banner, or pick another audience."),
            )
        if audience != "companies" and companies:
            self.add_error(
                "companies",
                _(
                    "Companies only apply to the audience 'Chosen companies': clear them or "
                    "change the audience."
                ),
            )
        return cleaned
