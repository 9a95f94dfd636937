from wagtail.admin.forms import WagtailAdminModelForm

from shop.validators import TextGuardMixin


class SettingsForm(TextGuardMixin, WagtailAdminModelForm):
    """The settings' edit form: typed text refuses control characters like every form of ours."""
