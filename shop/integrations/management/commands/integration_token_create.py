"""Create an integration token from the shell; its key is printed once."""

from django.core.management.base import BaseCommand, CommandError

from shop.integrations.models import Scope
from shop.integrations.services import IntegrationError, token_create


class Command(BaseCommand):
    help = "Create an API token for the ERP and print its key (shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Who or what uses the token.")
        parser.add_argument(
            "--scopes",
            required=True,
            help=f"Comma- or space-separated, from: {', '.join(Scope.values)}; or 'all'.",
        )

    def handle(self, *args, name: str, scopes: str, **options):
        wanted = [part for part in scopes.replace(",", " ").split() if part]
        if wanted == ["all"]:
            wanted = list(Scope.values)
        try:
            created = token_create(name=name, scopes=wanted)
        except IntegrationError as exc:
            raise CommandError(exc.message) from exc
        token = created.token
        self.stderr.write(
            f"Token {token.name!r} (id {token.pk}, scopes {', '.join(token.scopes)}). "
            "Its key follows on stdout; it is shown only this once."
        )
        self.stdout.write(created.key)
