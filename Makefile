# COCON Desktop — the two set-up commands that work on a fresh machine: `make run` and `make test`.
# Every install comes from the lock (requirements/*.txt, exported from uv.lock, every package pinned with its
# hashes): see docs/development.md for when to run `make lock` and `make test-latest`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PIP_LOCKED := -m pip install --quiet --require-hashes --only-binary=:all:
LATEST := build/venv-latest
# Parallel test workers (pytest-xdist): one per core. `make test JOBS=0` runs in one process.
JOBS ?= auto
# The suite in two passes: every test in parallel, one test file per worker (`--dist loadfile`: a module's costly
# fixture, such as a demo practice built with `cocon demo`, is built once, not once per worker), then the tests
# marked `serial` alone, since they measure milliseconds of the event loop. Exit code 5 (nothing collected, e.g.
# PYTEST_ARGS naming one file, or no serial test left by -m) fails neither pass; any other failure fails the
# target after both passes have run. $(1): the interpreter; $(2): a marker expression ending in "and ", or empty;
# $(3): more pytest options.
define run_tests
	@status=0; \
	QT_QPA_PLATFORM=offscreen $(1) -m pytest -q $(3) -n $(JOBS) --dist loadfile -m "$(2)not serial" $(PYTEST_ARGS) \
		|| { code=$$?; [ $$code -eq 5 ] || status=$$code; }; \
	QT_QPA_PLATFORM=offscreen $(1) -m pytest -q $(3) -n 0 -m "$(2)serial" $(PYTEST_ARGS) \
		|| { code=$$?; [ $$code -eq 5 ] || status=$$code; }; \
	exit $$status
endef

.PHONY: run demo network-demo test test-fast test-latest lock check-system lint bench torture screenshots dist clean

$(STAMP): pyproject.toml requirements/dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) $(PIP_LOCKED) -r requirements/dev.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m cocon_desktop $(ARGS)

demo: $(STAMP)
	$(PY) -m cocon_desktop --demo

# The network's server on a trial database (SQLite, in build/network-demo): 12 therapists, 200 children and four
# months of real signed batches (made once by the desktop's signer, tools/make_network_demo_batches.py) sent to it
# through the sync protocol; the console on http://127.0.0.1:8700, its demo logins printed. ARGS="--reset" restarts.
NETWORK_DEMO := build/network-demo
network-demo: $(STAMP)
	@test -f $(NETWORK_DEMO)/input/network.json || $(PY) -W ignore tools/make_network_demo_batches.py $(NETWORK_DEMO)/input
	$(PY) -W ignore::UserWarning:pyhanko.sign.signers.pdf_cms -m cocon_network.server.demo --folder $(NETWORK_DEMO) \
		--input $(NETWORK_DEMO)/input $(ARGS)

# The system packages the tests need (poppler-utils, softhsm2, fonts, Qt's libraries): one line naming the missing.
check-system:
	@$(PYTHON) tests/system_packages.py

test: check-system $(STAMP)
	$(call run_tests,$(PY),)

# The inner loop: everything but the tests marked slow (more than ~3 s each).
test-fast: check-system $(STAMP)
	$(call run_tests,$(PY),not slow and )

# The newest versions pyproject.toml allows, in a separate environment, then the whole suite: how the project
# learns about a breaking release before its users do. Never touches .venv or the lock.
test-latest: check-system
	rm -rf $(LATEST)
	$(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/python -m pip install --quiet --upgrade --no-cache-dir pip
	$(LATEST)/bin/python -m pip install --quiet --upgrade --upgrade-strategy eager --no-cache-dir -e '.[dev,network]'
	$(LATEST)/bin/python -m pip freeze --exclude-editable > build/latest-versions.txt
	$(call run_tests,$(LATEST)/bin/python,,-p no:cacheprovider)

# Refresh the lock to the newest versions pyproject.toml allows (uv.lock), then export it for pip.
lock: $(STAMP)
	$(PY) $(PIP_LOCKED) -r requirements/lock.txt
	$(VENV)/bin/uv lock --upgrade
	$(MAKE) requirements

.PHONY: requirements
requirements:
	$(VENV)/bin/uv export --frozen --quiet --no-emit-project --no-header --no-dev --format requirements-txt \
		-o requirements/run.txt
	$(VENV)/bin/uv export --frozen --quiet --no-emit-project --no-header --no-dev --extra dev --extra network \
		--format requirements-txt -o requirements/dev.txt
	$(VENV)/bin/uv export --frozen --quiet --no-emit-project --no-header --no-dev --extra dev --extra dist \
		--format requirements-txt -o requirements/dist.txt
	$(VENV)/bin/uv export --frozen --quiet --no-emit-project --no-header --no-dev --extra network \
		--format requirements-txt -o requirements/network.txt
	$(VENV)/bin/uv export --frozen --quiet --no-emit-project --no-header --only-group lock \
		--format requirements-txt -o requirements/lock.txt

lint: $(STAMP)
	$(VENV)/bin/ruff check cocon_desktop cocon_exchange cocon_network tests benchmarks tools
	$(VENV)/bin/mypy

torture: $(STAMP)
	$(PY) -m tests.torture --runs $(or $(RUNS),210) $(if $(KINDS),--kinds $(KINDS))

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m benchmarks

screenshots: $(STAMP)
	xvfb-run -a -s "-screen 0 1400x900x24" $(PY) docs/screenshots.py docs/screenshots

# The one-folder bundle dist/cocon-desktop/ (PyInstaller, extra `dist`), then its smoke test, offscreen.
dist: $(STAMP)
	$(PY) $(PIP_LOCKED) -r requirements/dist.txt
	$(VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller \
		installer/cocon-desktop.spec
	cp installer/linux/install.sh installer/linux/cocon-desktop.desktop dist/cocon-desktop/
	installer/smoke_test.sh dist/cocon-desktop $(PY)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
