"""Preview a page as a chosen audience: extra entries in Wagtail's preview-mode menu."""

from django.utils.translation import gettext

from cms.promotions.selectors import PREVIEW_PREFIX

# No import of shop's models here: companies and groups are read through shop's selectors.


def audience_preview_modes() -> list[tuple[str, str]]:
    """Return (mode, label) pairs: visitor, signed-in buyer, each customer group, each company."""
    from shop.companies.selectors import audience_companies, audience_customer_groups

    modes = [
        (f"{PREVIEW_PREFIX}visitor", gettext("As a visitor (not signed in)")),
        (f"{PREVIEW_PREFIX}buyer", gettext("As a signed-in buyer of no group")),
    ]
    for group in audience_customer_groups():
        modes.append(
            (f"{PREVIEW_PREFIX}group:{group.pk}", gettext("As group: %(name)s") % {"name": group})
        )
    for company in audience_companies():
        mode = f"{PREVIEW_PREFIX}company:{company.pk}"
        if company.customer_group_id:
            mode += f":{company.customer_group_id}"
        modes.append((mode, gettext("As company: %(name)s") % {"name": company}))
    return modes


class AudiencePreviewMixin:
    """Page mixin (list it before Page): preview the page as a visitor, buyer, group or company."""

    @property
    def preview_modes(self):
        return list(super().preview_modes) + audience_preview_modes()
