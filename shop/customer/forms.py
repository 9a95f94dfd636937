from oscar.apps.address.forms import UserAddressForm as OscarUserAddressForm
from oscar.apps.customer.forms import *  # noqa: F403
from oscar.apps.customer.forms import UserForm

from shop.validators import TextGuardMixin


class ProfileForm(TextGuardMixin, UserForm):
    """Name fields only: email addresses are changed and verified through allauth."""

    class Meta(UserForm.Meta):
        fields = ["first_name", "last_name"]


class UserAddressForm(TextGuardMixin, OscarUserAddressForm):
    """Oscar's address book form; names and address lines refuse control characters."""
