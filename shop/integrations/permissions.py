"""Scopes: each API view names the one scope a token needs for it."""

from django.utils.translation import gettext
from rest_framework.permissions import BasePermission

from shop.integrations.models import IntegrationToken, Scope


def scope_required(scope: str) -> type[BasePermission]:
    """Return a DRF permission class that admits tokens holding ``scope``."""
    if scope not in Scope.values:
        raise ValueError(f"unknown scope {scope!r}")

    class ScopeRequired(BasePermission):
        required_scope = scope

        def has_permission(self, request, view) -> bool:
            token = request.auth
            if not isinstance(token, IntegrationToken):
                return False  # DRF turns this into 401 for an unauthenticated request
            if token.has_scope(scope):
                return True
            self.message = gettext("This token lacks the scope %(scope)s.") % {"scope": scope}
            return False

    ScopeRequired.__name__ = ScopeRequired.__qualname__ = f"ScopeRequired[{scope}]"
    return ScopeRequired
