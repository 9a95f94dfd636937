"""The published OpenAPI schema and its Swagger UI page.

Both are public (no token, no login): they describe the shape of the API, not its data,
and the ERP's developers need them before they have a token; every endpoint they describe
still needs a token with the right scope. The page works under the site's
Content-Security-Policy: its init script is a separate file (the "split" view) and the
template's <style> carries the request's nonce; Swagger UI's files come from the sidecar
package (our origin, no CDN).
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny


class IntegrationTokenScheme(OpenApiAuthenticationExtension):
    target_class = "shop.integrations.authentication.IntegrationTokenAuthentication"
    name = "IntegrationToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Send `Authorization: Token <key>` (the key is shown once when "
            "an operator creates the token).",
        }


class SchemaView(SpectacularAPIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]


class DocsView(SpectacularSwaggerSplitView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    template_name = "integrations/swagger_ui.html"


def endpoints_of_the_api(endpoints):
    """drf-spectacular preprocessing hook: publish /api/v1/ only."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
