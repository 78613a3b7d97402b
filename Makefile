# Hall — the two commands: `make run` (set up and serve the demo hall) and `make test`.
# Needs only Python 3.11+; Debian packages are installed when run as root, named otherwise.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEB_PACKAGES := libharfbuzz-subset0 fonts-noto-cjk poppler-utils chromium
DEV_SECRET := make-test-check-deploy-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH

.PHONY: run test system-deps venv lint migrate demo check-deploy pytest messages clean

run: system-deps venv
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py seed_demo
	@echo "Hall is at http://127.0.0.1:8000/ (Ctrl-C stops it)"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: system-deps venv lint check-deploy pytest

system-deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = "0" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	else \
	  echo "Missing Debian packages (PDFs and browser tests need them):"; \
	  echo "  sudo apt-get install -y$$missing"; \
	fi

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Hall needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run -v0

check-deploy: venv
	DJANGO_SECRET_KEY=$(DEV_SECRET) DJANGO_ALLOWED_HOSTS=hall.example.gov.cn \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING --settings hall.settings_production

pytest: venv
	$(BIN)/python -m pytest

messages: venv
	$(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete -i ".venv/*" -i "var/*"
	$(BIN)/python manage.py compilemessages -l zh_Hans -i ".venv"

clean:
	rm -rf var .pytest_cache
