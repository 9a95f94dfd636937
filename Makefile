# Two commands for a newcomer: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
PRODUCTS ?= 400
# Links in emails and the Site's domain follow the address `make run` serves on.
RUN_ENV := WAGTAILADMIN_BASE_URL=$${WAGTAILADMIN_BASE_URL:-http://$(HOST):$(PORT)}

# PostgreSQL + Redis as on the CI machine (override to point elsewhere).
SERVICES_ENV := DATABASE_URL=$${SERVICES_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} \
	CACHE_URL=$${SERVICES_CACHE_URL:-redis://127.0.0.1:6379/1} \
	CELERY_BROKER_URL=$${SERVICES_BROKER_URL:-redis://127.0.0.1:6379/2} \
	CELERY_RESULT_BACKEND=$${SERVICES_BROKER_URL:-redis://127.0.0.1:6379/2}

.PHONY: install run serve test test-fast test-services browser-deps pdf-deps lint format contracts \
	migrations-check check check-deploy audit messages worker bench bench-pricing bench-followups clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $@

# Card payments in the demo: unless real Stripe keys are in the environment, a local fake
# Stripe (localstripe, loopback only) runs beside runserver with test keys, sends its signed
# webhooks to the portal, and stops when runserver stops.
LOCALSTRIPE_PORT ?= 8420
LOCALSTRIPE_WEBHOOK_SECRET ?= whsec_localstripe_demo

run: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py seed_demo --products $(PRODUCTS)
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@if [ -n "$$STRIPE_SECRET_KEY" ]; then \
		exec env $(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT); \
	fi; \
	$(BIN)/python config/localstripe_server.py --port $(LOCALSTRIPE_PORT) \
		--webhook http://$(HOST):$(PORT)/shop/payment/stripe/webhook/ \
		--secret $(LOCALSTRIPE_WEBHOOK_SECRET) & LOCALSTRIPE_PID=$$!; \
	trap 'kill $$LOCALSTRIPE_PID 2>/dev/null' EXIT INT TERM; \
	echo "localstripe (fake Stripe) on http://127.0.0.1:$(LOCALSTRIPE_PORT); test card 4242 4242 4242 4242"; \
	STRIPE_SECRET_KEY=sk_test_localstripe STRIPE_PUBLISHABLE_KEY=pk_test_localstripe \
	STRIPE_API_BASE=http://127.0.0.1:$(LOCALSTRIPE_PORT) \
	STRIPE_WEBHOOK_SECRET=$(LOCALSTRIPE_WEBHOOK_SECRET) \
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

serve: install
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The whole suite on SQLite with eager Celery (browser journeys included).
test: install browser-deps
	$(BIN)/pytest

# Everything but the browser journeys, for a quick loop.
test-fast: install
	$(BIN)/pytest -m "not browser and not services"

# The whole suite again on PostgreSQL, Redis cache and a real Celery worker.
test-services: install browser-deps
	$(SERVICES_ENV) $(BIN)/pytest -m ""

browser-deps: pdf-deps
	@if [ -n "$$SKIP_BROWSER_TESTS" ] || command -v chromium >/dev/null 2>&1; then exit 0; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's chromium for the browser journeys ..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "error: browser tests need chromium: sudo apt-get install chromium (or set SKIP_BROWSER_TESTS=1)"; exit 2; fi

# Quote PDFs (WeasyPrint) need Pango; Debian's libpango packages when root and missing.
pdf-deps:
	@if ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0; then exit 0; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Pango for quote PDFs ..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; \
	else echo "error: quote PDFs need Pango: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0"; exit 2; fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

contracts: install
	$(BIN)/lint-imports --no-cache

migrations-check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

check: lint contracts migrations-check check-deploy

# Django's deployment checklist on the production settings, warnings included: a throwaway
# secret key, and a shared cache (production needs one: the login lockout counts there).
check-deploy: install
	DJANGO_SETTINGS_MODULE=config.settings.production \
	DJANGO_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	DJANGO_ALLOWED_HOSTS=portal.example.com \
	CACHE_URL=$${DEPLOY_CACHE_URL:-redis://127.0.0.1:6379/1} \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

# Known vulnerabilities in every pinned version (constraints.txt pins all of them, transitive
# ones included), from PyPI's advisory data. Needs pypi.org's JSON API (or AUDIT_SERVICE=osv
# and api.osv.dev); a package it cannot look up fails the audit (--strict), never passes it.
AUDIT_SERVICE ?= pypi
audit: install
	timeout 300 $(BIN)/pip-audit -r constraints.txt --no-deps --disable-pip --strict \
		--vulnerability-service $(AUDIT_SERVICE) --progress-spinner off --timeout 30

# Collect every marked string into locale/de/LC_MESSAGES/django.po, then compile the .mo
# (committed, so `make run` needs no gettext). Needs GNU gettext (apt-get install gettext).
messages: install
	$(BIN)/python manage.py makemessages -l de --ignore=.venv --ignore=var --ignore=tests \
		--ignore=node_modules --ignore=test-artifacts --ignore=bench-results
	$(BIN)/python manage.py compilemessages -l de --ignore=.venv

# A Celery worker with beat, against Redis (start Redis first).
worker: install
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0} \
		$(BIN)/celery -A config worker --beat --loglevel=INFO

# gunicorn + locust on PostgreSQL with a large catalogue, and the in-process search and
# basket timings; BENCH_ARGS="--products 500000" generates the catalogue by COPY
# (tests/bench/catalogue_gen.py). See tests/bench/README.md.
bench: install
	$(BIN)/python tests/bench/run_bench.py $(BENCH_ARGS)

# Pricing micro-benchmark: 100,000-row CSV import and a 1,000-line basket (PostgreSQL).
bench-pricing: install
	$(BIN)/python tests/bench/pricing_bench.py $(BENCH_ARGS)

# Follow-ups: the idle-basket scan over 1,000,000 generated baskets (PostgreSQL database
# bench_followups; generated once, --regenerate rebuilds). See the README, benchmarks.
bench-followups: install
	$(BIN)/python tests/bench/followups_bench.py $(BENCH_ARGS)

clean:
	rm -rf var/ db.sqlite3 db.sqlite3-* bench-results/ test-artifacts/
