"""``Authorization: Token <key>`` for integration tokens (the key is looked up by its hash)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from shop.integrations.models import IntegrationToken
from shop.integrations.services import key_hash, token_touch

KEYWORD = "Token"


class IntegrationTokenAuthentication(BaseAuthentication):
    """Authenticate as the token's integration user; ``request.auth`` is the token."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Malformed Authorization header: send 'Token <key>'.")
            )
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Unknown or revoked token.")) from None
        token = (
            IntegrationToken.objects.select_related("user").filter(key_hash=key_hash(key)).first()
        )
        if token is None or token.revoked_at is not None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Unknown or revoked token."))
        token_touch(token=token)
        return token.user, token

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (not 403) when the header is missing or wrong.
        return f'{KEYWORD} realm="api"'
