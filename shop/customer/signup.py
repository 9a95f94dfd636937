"""allauth's signup form, doing the same work whether or not the email has an account."""

from allauth.account.forms import SignupForm as AllauthSignupForm
from django.contrib.auth.hashers import make_password

from shop.validators import TextGuardMixin


class SignupForm(TextGuardMixin, AllauthSignupForm):
    def try_save(self, request):
        """Hash the password also for a taken email, so the answer's timing reveals no account.

        A new account costs one password hash (about half a second with the production
        hasher); allauth answers a taken email without one (about 50 ms), which told an
        attacker which emails have accounts despite the identical page.
        """
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)
