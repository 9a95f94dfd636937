"""Load the demo portal: catalogue, companies and their people, staff, and CMS pages."""

import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from cms import demo as cms_demo
from cms.navigation import demo as navigation_demo
from cms.promotions import demo as promotions_demo
from config.sites import site_domain, site_sync
from crm_embedded import demo as crm_demo
from crm_embedded.followups import demo as followups_demo
from crm_embedded.quotes import demo as quotes_demo
from orders import demo as orders_demo
from shop import demo as shop_demo
from shop.partnumbers import demo as partnumbers_demo
from shop.pricing import demo as pricing_demo
from shop.search.services import search_index_ensure


class Command(BaseCommand):
    help = "Create the demo data (idempotent: running it again creates only what is missing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--products",
            type=int,
            default=400,
            help="How many catalogue products to have (default 400; 50000 for benchmarks).",
        )

    def handle(self, *args, products: int, **options) -> None:
        if products < 0 or products > 1_000_000:
            self.stderr.write("error: --products must be between 0 and 1000000")
            sys.exit(2)
        verbose = options["verbosity"] > 0
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            if not verbose:
                return
            width = 30
            filled = int(width * done / total) if total else width
            bar = "#" * filled + "-" * (width - filled)
            end = "\n" if done == total else ""
            self.stdout.write(f"\r  products [{bar}] {done}/{total}", ending=end)
            self.stdout.flush()

        self._say(verbose, "Site: address and name for the links in emails ...")
        changed = site_sync()
        self._say(
            verbose,
            f"  {site_domain()} ({settings.SITE_NAME})" + (" set" if changed else " already set"),
        )
        self._say(verbose, f"Catalogue: ensuring {products} products ...")
        created = shop_demo.catalogue_ensure(products=products, progress=progress)
        self._say(verbose, f"  {created} products created ({products - created} already there)")
        if created and connection.vendor == "postgresql":
            # Fresh bulk inserts leave the planner's statistics empty; without them it
            # picks nested loops over 50,000 rows (0.6 s instead of 35 ms per listing).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self._say(verbose, "Search index: products, codes and words ...")
        indexed = search_index_ensure(changed=bool(created))
        self._say(verbose, f"  {indexed} products indexed" if indexed else "  already current")
        self._say(verbose, "Pictures: one drawing per product family and category ...")
        made_images, made_category_images = shop_demo.catalogue_images_ensure()
        self._say(
            verbose,
            f"  {made_images} product and {made_category_images} category pictures added",
        )
        self._say(verbose, "Shipping countries: the seller's markets ...")
        made_countries = shop_demo.shipping_countries_ensure()
        self._say(verbose, f"  {made_countries} countries created")
        self._say(verbose, "Order handling: shipping event types ...")
        made_events = orders_demo.shipping_event_types_ensure()
        self._say(verbose, f"  {made_events} shipping event types created")
        self._say(verbose, "People: staff, client companies and their members ...")
        logins = shop_demo.users_ensure()
        self._say(verbose, "Prices: contracts and customer-group price lists ...")
        made_lists = pricing_demo.price_lists_ensure()
        self._say(verbose, f"  {made_lists} price lists created")
        self._say(verbose, f"Part numbers: Rheinland's own numbers ... {partnumbers_demo.part_numbers_demo_ensure()} created")  # fmt: skip
        self._say(verbose, "Quotes: a request and an offer for the first company ...")
        self._say(verbose, f"  {quotes_demo.quotes_ensure()} quotes created")
        self._say(verbose, f"Orders: carriers and tracked demo orders ... {orders_demo.carriers_ensure()} carriers, {orders_demo.demo_orders_ensure()} orders created")  # fmt: skip
        self._say(
            verbose, f"  {orders_demo.demo_order_history_ensure()} past orders for the CRM reports"
        )
        self._say(verbose, "CRM: contacts, opportunities, tasks and activities ...")
        made_crm = crm_demo.crm_demo_ensure()
        self._say(
            verbose, "  " + ", ".join(f"{count} {what}" for what, count in made_crm) + " created"
        )
        if followups_demo.followups_demo_ensure():
            self._say(verbose, "  an idle cart for jonas.weber for the follow-up job")
        self._say(verbose, "Content: home, landing, news, FAQ and standard pages ...")
        made = cms_demo.home_page_ensure()
        self._say(verbose, "  pages created" if made else "  pages already there")
        self._say(verbose, "Content team: editors and a moderator who publishes ...")
        listed = {email for _, email in logins}
        logins += [login for login in cms_demo.editors_ensure() if login[1] not in listed]
        self._say(verbose, "Navigation and banners: menus, contact details, targeted banners ...")
        navigation_demo.navigation_ensure()
        self._say(verbose, f"  {promotions_demo.banners_ensure()} banners created")
        self._say(verbose, f"Done in {time.monotonic() - started:.1f} s.\n")
        if verbose:
            self.stdout.write(f"Demo logins (password for all: {shop_demo.DEMO_PASSWORD}):")
            for role, email in logins:
                self.stdout.write(f"  {email:45} {role}")

    def _say(self, verbose: bool, text: str) -> None:
        if verbose:
            self.stdout.write(text)
