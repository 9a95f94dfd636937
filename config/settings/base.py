"""Settings for every environment; each integration is switched by an environment variable.

The defaults need nothing installed: a SQLite file, Celery running tasks eagerly,
email printed to the console, Stripe in test mode without a key.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy
from oscar.defaults import *  # noqa: F403  (Oscar's OSCAR_* defaults, overridden below)

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_ID = 1
SITE_NAME = "PartsHub B2B"
WAGTAIL_SITE_NAME = SITE_NAME
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
# The one site URL: django.contrib.sites' Site (domain and name) follows it after every
# migrate and seed_demo (config/sites.py), so Oscar's emails link to where the portal runs.
_base_url = urlsplit(WAGTAILADMIN_BASE_URL)
if _base_url.scheme not in ("http", "https") or not _base_url.netloc:
    raise ImproperlyConfigured(
        f"WAGTAILADMIN_BASE_URL={WAGTAILADMIN_BASE_URL!r}: give the portal's address as "
        "http(s)://host[:port], e.g. https://portal.partshub.example"
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.humanize",
    "django.contrib.postgres",  # search vectors and trigram lookups when on PostgreSQL
    # Project-wide glue (health check, demo data); listed first so its templates win.
    "config.apps.PortalConfig",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from here (no CDN)
    "shop.apps.ShopConfig",
    "shop.companies.apps.CompaniesConfig",
    "shop.pricing.apps.PricingConfig",
    "shop.tax.apps.TaxConfig",
    "shop.bulk.apps.BulkConfig",
    "shop.approvals.apps.ApprovalsConfig",
    "shop.credit.apps.CreditConfig",
    "shop.notifications.apps.NotificationsConfig",
    "shop.integrations.apps.IntegrationsConfig",
    "shop.webhooks.apps.WebhooksConfig",
    "shop.partnumbers.apps.PartNumbersConfig",
    "shop.caching.apps.CachingConfig",
    # Oscar, with our forks in place of the apps we extend.
    "shop.oscar_config.PortalShop",
    "oscar.apps.analytics.apps.AnalyticsConfig",
    "shop.analytics.apps.ShopAnalyticsConfig",  # Oscar's counters, off the request path
    "shop.checkout.apps.CheckoutConfig",
    "oscar.apps.address.apps.AddressConfig",
    "oscar.apps.shipping.apps.ShippingConfig",
    "shop.catalogue.apps.CatalogueConfig",
    "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "shop.partner.apps.PartnerConfig",
    "shop.basket.apps.BasketConfig",
    "shop.payment.apps.PaymentConfig",
    "oscar.apps.offer.apps.OfferConfig",
    "orders.apps.OrderConfig",
    "orders.documents.apps.OrderDocumentsConfig",
    "shop.customer.apps.CustomerConfig",
    "shop.search.apps.SearchConfig",
    "oscar.apps.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    "shop.dashboard.apps.DashboardConfig",  # CSV downloads through shop.csv_export
    "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
    "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
    "oscar.apps.dashboard.orders.apps.OrdersDashboardConfig",
    "oscar.apps.dashboard.catalogue.apps.CatalogueDashboardConfig",
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    "widget_tweaks",
    "haystack",
    "treebeard",
    "django_tables2",
    "sorl.thumbnail",
    # Login and signup.
    "allauth",
    "allauth.account",
    # Wagtail.
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Our apps.
    "crm_embedded.apps.CrmEmbeddedConfig",
    "crm_embedded.quotes.apps.QuotesConfig",
    "crm_embedded.accounts.apps.AccountsConfig",
    "crm_embedded.contacts.apps.ContactsConfig",
    "crm_embedded.prices.apps.PricesConfig",
    "crm_embedded.tasks.apps.TasksConfig",
    "crm_embedded.activities.apps.ActivitiesConfig",
    "crm_embedded.pipeline.apps.PipelineConfig",
    "crm_embedded.reports.apps.ReportsConfig",
    "crm_embedded.workspace.apps.WorkspaceConfig",
    "crm_embedded.followups.apps.FollowupsConfig",
    "cms.apps.CmsConfig",
    "cms.promotions.apps.PromotionsConfig",
    "cms.navigation.apps.NavigationConfig",
    "cms.search.apps.SiteSearchConfig",
    "cms.editorial.apps.EditorialConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # SQLite only: page views read beside the writer; other requests take the write lock.
    "config.sqlite.SQLiteReadRequestsDeferredMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Cache versions read once per request, with the user's usual ones (shop.caching.versions).
    "shop.caching.middleware.RequestVersionsMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After auth and messages, before the basket: acting-as swaps request.user.
    "shop.companies.middleware.CompanyMiddleware",
    "oscar.apps.basket.middleware.BasketMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Visitors' cached Wagtail pages, served before URL routing (cms/caching.py).
    "cms.caching.VisitorPageMiddleware",
]

# Content-Security-Policy (django-csp 4): scripts and <style> only from our origin or with
# the request's nonce (nonce="{{ request.csp_nonce }}"); no inline event handlers
# (shop/static/shop/js/behaviours.js does what onclick=/onchange= did). Style attributes
# stay allowed (style-src-attr 'unsafe-inline'): they cannot run code and many templates
# size inputs with them. The Wagtail admin, Django admin and Oscar's dashboard (staff only)
# ship their own inline scripts and are excluded. Payment scripts (https://js.stripe.com,
# or localstripe's URL) are allowed only when CSP_PAYMENT_ORIGINS lists them: by default the
# Stripe.js origin in use once card payment is configured (Stripe keys set), otherwise none.
if env("STRIPE_API_BASE", default=""):
    _stripe_origins = [env("STRIPE_API_BASE").rstrip("/")]
elif env("STRIPE_PUBLISHABLE_KEY", default=""):
    _stripe_origins = [
        "https://js.stripe.com",
        "https://api.stripe.com",
        "https://hooks.stripe.com",
    ]
else:
    _stripe_origins = []
CSP_PAYMENT_ORIGINS = env.list("CSP_PAYMENT_ORIGINS", default=_stripe_origins)
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/cms/", "/django-admin/", "/shop/dashboard/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, *CSP_PAYMENT_ORIGINS],
        "style-src": [SELF, NONCE],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF, *CSP_PAYMENT_ORIGINS],
        "frame-src": [SELF, *CSP_PAYMENT_ORIGINS],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    },
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.template.context_processors.i18n",
                "django.contrib.messages.context_processors.messages",
                "oscar.apps.search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                "shop.context_processors.notifications",  # cached per user (shop.caching.chrome)
                "oscar.core.context_processors.metadata",
                "shop.context_processors.portal",
                "shop.tax.context_processors.tax",
            ],
        },
    }
]

_SUPPORTED_DATABASE_SCHEMES = ("sqlite", "postgres", "postgresql", "pgsql")
_database_url = env("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
if _database_url.split(":", 1)[0] not in _SUPPORTED_DATABASE_SCHEMES:
    raise ImproperlyConfigured(
        f"DATABASE_URL must start with sqlite:// or postgres:// (got {_database_url.split(':', 1)[0]}://...); "
        "e.g. postgres://user@127.0.0.1:5432/portal"
    )
DATABASES = {"default": env.db_url_config(_database_url)}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default must serve a small team at once. WAL lets readers run beside
    # the one writer (and the dev server share the file with a worker); IMMEDIATE takes
    # the write lock when a transaction begins, so a transaction that has read never fails
    # on upgrading to a write ("database is locked" under 8 concurrent visitors). Writers
    # queue: a login holds the lock while it hashes the password, and 4 logins at once on
    # a busy 2-core machine waited past 5 s, so a writer waits up to 20 s for its turn.
    # Page views do not queue: config.sqlite begins their transactions DEFERRED.
    _sqlite_options = DATABASES["default"].setdefault("OPTIONS", {})
    _sqlite_options.setdefault(
        "init_command",
        "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=20000; PRAGMA synchronous=NORMAL",
    )
    _sqlite_options.setdefault("transaction_mode", "IMMEDIATE")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles any plan it thinks costly: a 50,000-product search spent
    # 380 of its 500 ms compiling. Web queries are short; JIT only pays for analytics.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://portal")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # The same backend, keeping one redis-py client instead of building one per call.
    CACHES["default"]["BACKEND"] = "shop.caching.backends.RedisCache"
    # Sessions read from the shared cache and written to both: a signed-in page saves its
    # session query. Only with a cache every worker shares: with a per-process one, a
    # session ended (logout) in one worker would live on in the others' copies.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Buffered analytics events (shop/analytics): the shared cache when there is one; a local
# memory cache of their own otherwise, large enough not to evict a minute's events.
CACHES["analytics"] = (
    {**CACHES["default"], "LOCATION": "portal-analytics", "OPTIONS": {"MAX_ENTRIES": 200_000}}
    if CACHES["default"]["BACKEND"].endswith("LocMemCache")
    else dict(CACHES["default"])
)

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/shop/accounts/"
LOGOUT_REDIRECT_URL = "/"

# allauth owns signup, login (by email), logout (POST), password reset and verification.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_USER_DISPLAY = "shop.context_processors.user_display"
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
# A taken email gets the same page and the same work (a password hash) as a new one.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_FORMS = {"signup": "shop.customer.signup.SignupForm"}
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http")

# allauth's login is the one door. The other apps' login URLs (these two, Oscar's dashboard
# and Django admin's) are served by shop.customer.login_door, which sends visitors there
# keeping `next`, and tells a signed-in user without access why instead of bouncing them
# between the page and allauth (which redirects signed-in users back to `next`).
WAGTAILADMIN_LOGIN_URL = "/cms/login/"
WAGTAIL_FRONTEND_LOGIN_URL = "/_util/login/"
# Passwords are reset through allauth only.
WAGTAIL_PASSWORD_RESET_ENABLED = False
# No avatars from gravatar.com: the admin works offline and sends no hash of an editor's
# email to a third party (Wagtail shows its default avatar instead).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Staff acting as a buyer: the acting ends by itself after this many minutes.
ACTING_MAX_MINUTES = env.int("ACTING_MAX_MINUTES", default=60)
# One language per page: English or German. Any other browser language falls back to
# English for our strings and Oscar's, Wagtail's and allauth's alike. English is "en-gb",
# not "en": Python's gettext expands "en" to en_US first, and Oscar's en_US catalogue says
# "cart" where the site says "basket" (en-US browsers get en-gb, the only English offered).
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# /bench/trivial, the benchmark's yardstick: on only in the benchmark run.
BENCH_TRIVIAL_VIEW = env.bool("BENCH_TRIVIAL_VIEW", default=False)


# Email: console by default; EMAIL_URL=smtp://user:pass@host:587 for real delivery.
vars().update(env.email("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="PartsHub B2B <no-reply@partshub.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: eager (in-process) unless a broker is configured.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
# A failing background job must never surface in the request that queued it.
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "config.tasks.heartbeat", "schedule": 300.0},
    # Quotes: expire offers past validity, remind buyers, alert on unanswered requests.
    "quotes-housekeeping": {"task": "crm_embedded.quotes.tasks.housekeeping", "schedule": 900.0},
    # CRM tasks: owners get one email when an open task falls due within 24 hours.
    "crm-task-reminders": {
        "task": "crm_embedded.tasks.tasks.task_reminders_send",
        "schedule": 900.0,
    },
    # Follow-ups: idle carts, expiring offers, unordered quotes, pending approvals, lapsed
    # reorders; emails buyers and files tasks once per item and stage (crm_embedded/followups).
    "crm-followups-run": {"task": "crm_embedded.followups.tasks.followups_run", "schedule": 600.0},
    # Product views, searches and basket additions buffered in the cache (shop/analytics).
    "analytics-flush": {"task": "shop.analytics.tasks.flush", "schedule": 60.0},
    # Purchase approvals: expire overdue requests, escalate idle ones (idempotent).
    "approvals-housekeeping": {"task": "shop.approvals.tasks.housekeeping", "schedule": 900.0},
    # CMS: pages scheduled by editors (go-live / expiry) go live within a minute.
    "cms-publish-scheduled": {"task": "cms.editorial.tasks.publish_scheduled", "schedule": 60.0},
    # Outbound webhooks: deliveries due (new, or waiting out their backoff) go out.
    "webhooks-deliver-due": {"task": "shop.webhooks.tasks.deliver_due", "schedule": 30.0},
    # ERP API: Idempotency-Key records older than a day are dropped.
    "integrations-idempotency-purge": {
        "task": "shop.integrations.tasks.idempotency_purge",
        "schedule": 3600.0,
    },
}
# Without a broker there is no beat: each web process flushes the analytics buffer itself,
# from a background thread, every ANALYTICS_FLUSH_SECONDS.
ANALYTICS_FLUSH_IN_PROCESS = env.bool(
    "ANALYTICS_FLUSH_IN_PROCESS", default=CELERY_TASK_ALWAYS_EAGER
)
ANALYTICS_FLUSH_SECONDS = env.int("ANALYTICS_FLUSH_SECONDS", default=60)

# Follow-ups (crm_embedded/followups): a cart-restore link in an email works this many days.
FOLLOWUP_RESTORE_TOKEN_DAYS = env.int("FOLLOWUP_RESTORE_TOKEN_DAYS", default=14)
# An order within this many days of a follow-up, with any of its lines, counts as recovered.
FOLLOWUP_ATTRIBUTION_DAYS = env.int("FOLLOWUP_ATTRIBUTION_DAYS", default=14)

# Quotes. A sales manager approves an offer that gives more than QUOTE_MAX_DISCOUNT_PERCENT
# off the list price, or leaves less than QUOTE_MIN_MARGIN_PERCENT over the cost price
# (where the stock record has one). Requests unanswered for QUOTE_RESPONSE_TARGET_BUSINESS_DAYS
# become a task and an email for the account manager; buyers are reminded
# QUOTE_REMIND_DAYS_BEFORE_EXPIRY days before an offer expires.
QUOTE_MAX_DISCOUNT_PERCENT = env.int("QUOTE_MAX_DISCOUNT_PERCENT", default=25)
QUOTE_MIN_MARGIN_PERCENT = env.int("QUOTE_MIN_MARGIN_PERCENT", default=10)
QUOTE_RESPONSE_TARGET_BUSINESS_DAYS = env.int("QUOTE_RESPONSE_TARGET_BUSINESS_DAYS", default=1)
QUOTE_REMIND_DAYS_BEFORE_EXPIRY = env.int("QUOTE_REMIND_DAYS_BEFORE_EXPIRY", default=3)
QUOTE_DEFAULT_VALIDITY_DAYS = env.int("QUOTE_DEFAULT_VALIDITY_DAYS", default=30)
# The seller's country (ISO code): its VAT applies at home; EU buyers abroad with a VAT
# number are reverse-charged.
SELLER_COUNTRY = env("SELLER_COUNTRY", default="DE")
# The portal's public address: every link in an email or webhook is reverse() on top of it.
SITE_BASE_URL = env("SITE_BASE_URL", default=WAGTAILADMIN_BASE_URL).rstrip("/")
SELLER_DETAILS = env(
    "SELLER_DETAILS",
    default="PartsHub Industrial Supply GmbH · Hafenstraße 12 · 28217 Bremen · Germany · VAT DE123456788",
)
# The seller's legal block on invoices, credit notes and order confirmations (orders/documents):
# invoices must name the seller, its address, VAT id, registration and where to pay.
SELLER_LEGAL_NAME = env("SELLER_LEGAL_NAME", default="PartsHub Industrial Supply GmbH")
SELLER_ADDRESS_LINES = env.list(
    "SELLER_ADDRESS_LINES", default=["Hafenstraße 12", "28217 Bremen", "Germany"]
)
SELLER_VAT_ID = env("SELLER_VAT_ID", default="DE123456788")
SELLER_REGISTRATION = env("SELLER_REGISTRATION", default="Amtsgericht Bremen HRB 12345")
SELLER_BANK_NAME = env("SELLER_BANK_NAME", default="Demo Bank Bremen")
SELLER_IBAN = env("SELLER_IBAN", default="DE89 3704 0044 0532 0130 00")
SELLER_BIC = env("SELLER_BIC", default="COBADEFFXXX")

# A price-list import uploaded in the CRM is read within one web request: at most this many
# price lines. Larger files go through `python manage.py import_price_list <code> <file>`.
PRICE_LIST_WEB_IMPORT_MAX_LINES = env.int("PRICE_LIST_WEB_IMPORT_MAX_LINES", default=20_000)

# Stripe: test mode; no key is needed until a card payment is attempted.
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")  # e.g. a localstripe URL in tests
STRIPE_CURRENCY = "eur"

# What visitors who are not logged in see where a price would be: "list" (the list
# price) or "login" (a "log in for your price" link).
SHOP_ANONYMOUS_PRICES = env("SHOP_ANONYMOUS_PRICES", default="list")

# What buyers of an active company see of stock: "quantity" (the number on hand) or
# "band" (in stock / low stock / out of stock); "low" is under SHOP_STOCK_LOW_BELOW.
SHOP_STOCK_DISPLAY = env("SHOP_STOCK_DISPLAY", default="quantity")
SHOP_STOCK_LOW_BELOW = env.int("SHOP_STOCK_LOW_BELOW", default=10)
if SHOP_STOCK_DISPLAY not in ("quantity", "band"):
    raise ImproperlyConfigured(
        f"SHOP_STOCK_DISPLAY={SHOP_STOCK_DISPLAY!r}: use 'quantity' or 'band'."
    )

# Oscar.
OSCAR_SHOP_NAME = SITE_NAME
OSCAR_SHOP_TAGLINE = gettext_lazy("Parts and industrial supplies for business")
OSCAR_HOMEPAGE = "/"
OSCAR_DEFAULT_CURRENCY = "EUR"
OSCAR_FROM_EMAIL = DEFAULT_FROM_EMAIL
OSCAR_PRODUCTS_PER_PAGE = 24
OSCAR_ALLOW_ANON_CHECKOUT = False
# Industrial parts are bought by SKU, not by star ratings: no review pages, forms or links.
OSCAR_HIDDEN_FEATURES = ["reviews"]
OSCAR_MAX_BASKET_QUANTITY_THRESHOLD = 100000
OSCAR_ACCOUNTS_REDIRECT_URL = "customer:profile-view"
OSCAR_SEND_REGISTRATION_EMAIL = False
OSCAR_THUMBNAILER = "oscar.core.thumbnails.SorlThumbnail"
OSCAR_MISSING_IMAGE_URL = "image_not_found.jpg"
# Order statuses (issue 12): one table in orders/states.py (a pure module, no models) drives
# our services and Oscar's own Order.set_status alike. Line statuses follow shipments; the
# services move them, so Oscar's cascade stays empty.
from orders import states as _order_states  # noqa: E402

OSCAR_INITIAL_ORDER_STATUS = _order_states.PLACED
OSCAR_INITIAL_LINE_STATUS = _order_states.LINE_PLACED
OSCAR_ORDER_STATUS_PIPELINE = _order_states.OSCAR_ORDER_PIPELINE
OSCAR_LINE_STATUS_PIPELINE = _order_states.OSCAR_LINE_PIPELINE
OSCAR_ORDER_STATUS_CASCADE: dict = {}
# Links in Oscar's emails: scheme from the site URL, host from the Site row.
OSCAR_URL_SCHEMA = _base_url.scheme
# Oscar's dashboard menu, plus the card payments no order accounts for under "Fulfilment"
# (found by its Orders entry: the labels are lazy translations).
OSCAR_DASHBOARD_NAVIGATION = [
    {
        **_item,
        "children": [
            *_item["children"],
            {
                "label": gettext_lazy("Unmatched card payments"),
                "url_name": "dashboard:payments-unmatched-list",
            },
        ],
    }
    if any(_child.get("url_name") == "dashboard:order-list" for _child in _item.get("children", ()))
    else _item
    for _item in OSCAR_DASHBOARD_NAVIGATION
]


def _superuser(user, *args, **kwargs) -> bool:
    return user.is_active and user.is_superuser


# The ERP link: tokens, webhooks and the log of sent emails are the operator's (superuser's);
# each view checks the same on the server. Oscar resolves access for its own URL names only,
# so these entries bring their own access function.
OSCAR_DASHBOARD_NAVIGATION.append(
    {
        "label": gettext_lazy("Integration"),
        "icon": "fas fa-plug",
        "children": [
            {"label": gettext_lazy("API tokens"), "url_name": "integrations:token-list",
             "access_fn": _superuser},
            {"label": gettext_lazy("Webhooks"), "url_name": "webhooks:endpoint-list",
             "access_fn": _superuser},
            {"label": gettext_lazy("Sent notifications"), "url_name": "notifications:log-list",
             "access_fn": _superuser},
        ],
    }
)  # fmt: skip


HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}
# Storefront listing and search read the database directly (see shop/search); the
# search index is not kept in sync on every save.
HAYSTACK_SIGNAL_PROCESSOR = "haystack.signals.BaseSignalProcessor"

THUMBNAIL_DEBUG = False
THUMBNAIL_KVSTORE = "sorl.thumbnail.kvstores.cached_db_kvstore.KVStore"

WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"refusal_without_traceback": {"()": "config.log_filters.RefusalWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's default config gives "django" its own console handler as well as
        # propagating to ours: every request warning was printed twice. One path, the root's.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # A PermissionDenied is logged with its traceback; a 403 needs one line.
        "django.request": {"filters": ["refusal_without_traceback"]},
        "django.db.backends": {"level": "INFO"},
        "haystack": {"level": "ERROR"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        # WeasyPrint logs every rendering step at INFO (seven lines per quote PDF).
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# The ERP's REST API (/api/v1/): integration tokens with scopes; the schema and its docs
# page come from drf-spectacular (Swagger UI files from the sidecar package, no CDN).
# Only tokens authenticate (no sessions, so no CSRF), JSON only (the browsable API would need
# sessions and inline scripts). Every API view names its scope (scope_required; a test checks
# each route has one). The default permission is IsAuthenticated, not IsAdminUser: Wagtail's
# admin API (/cms/api/, session auth) serves the page explorer to editors who are not staff.
# Errors share one shape: {"detail", "field", "code"}.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "shop.integrations.authentication.IntegrationTokenAuthentication"
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "shop.integrations.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PartsHub B2B ERP API",
    "DESCRIPTION": (
        "Orders, shipments, tracking events, companies, products, stock and price lists for "
        "the seller's ERP. Authenticate with `Authorization: Token <key>`; each endpoint "
        "needs one scope. Writes accept an `Idempotency-Key` header."
    ),
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Only the ERP API: Wagtail's admin API (also DRF) is not part of the published schema.
    "PREPROCESSING_HOOKS": ["shop.integrations.docs.endpoints_of_the_api"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
