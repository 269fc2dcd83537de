# Two commands on a fresh machine: `make run` and `make test`. Everything else is a step of those.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
INSTALLED := $(VENV)/.installed
CSS := static/css/site.css
HOST := 127.0.0.1:8000

.PHONY: run install css migrate content test lint check clean bench-admin serve messages

$(INSTALLED): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(CSS): node_modules/.installed $(wildcard static/scss/*.scss)
	npx --no-install sass --no-source-map --style=compressed --quiet-deps \
		--silence-deprecation=import --load-path=node_modules static/scss/site.scss $@

css: $(CSS)

# The translations Django reads (locale/<lang>/LC_MESSAGES/django.mo), compiled from the .po
# files in git by Babel (ops/messages.py); docs/i18n.md.
MO := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

$(MO): %.mo: %.po $(INSTALLED)
	$(PY) -m ops.messages compile

# New strings marked in the code and templates, merged into each .po for a translator.
messages: $(INSTALLED)
	$(PY) -m ops.messages extract
	$(PY) -m ops.messages update

install: $(INSTALLED) $(CSS) $(MO)

migrate: install
	$(PY) manage.py migrate --noinput

content: migrate
	$(PY) manage.py load_clinic_content

run: content
	@echo ""
	@echo "  Site:   http://$(HOST)/"
	@echo "  Admin:  http://$(HOST)/$${DJANGO_ADMIN_URL:-admin/}"
	@echo "  First staff account (with its authenticator app, printed as a QR code):"
	@echo "          $(PY) manage.py create_staff_user YOURNAME --superuser"
	@echo "          (roles: --role \"Intake coordinator\" | \"Clinician\" | \"Content editor\")"
	@echo ""
	$(PY) manage.py runserver $(HOST)

# The production setup (prod settings, PostgreSQL, WhiteNoise, gunicorn) on loopback; see
# deploy/serve-local for what it sets up and docs/deploy.md for a real server.
serve: install
	deploy/serve-local

# The performance benchmark and the Lighthouse audit: the production setup on loopback,
# measured (bench/run.py, bench/audit.py). Never part of `make test`.
.PHONY: bench audit
bench: install
	$(PY) -m bench.run

audit: install
	$(PY) -m bench.audit

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

# pytest exits 5 when it collected no tests: that is a broken suite, not a pass.
test: lint check
	@rc=0; $(BIN)/pytest $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing on purpose" >&2; fi; \
	exit $$rc

# Staff triage with 100,000 requests in a throw-away test database (issue 5); on PostgreSQL:
# DATABASE_URL=postgres://... make bench-admin
bench-admin: install
	DJANGO_SETTINGS_MODULE=clinic_site.settings.test $(PY) manage.py bench_triage_admin --count $${BENCH_ADMIN_COUNT:-100000}

clean:
	rm -rf $(VENV) node_modules staticfiles $(CSS) $(MO) locale/django.pot
