# COCON Desktop — the two set-up commands that work on a fresh machine: `make run` and `make test`.
# Every install comes from the lock (requirements/*.txt, exported from uv.lock, every package pinned with its
# hashes): see docs/development.md for when to run `make lock` and `make test-latest`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PIP_LOCKED := -m pip install --quiet --require-hashes --only-binary=:all:
LATEST := build/venv-latest
# Parallel test workers (pytest-xdist): one per core, at least two. `make test JOBS=0` runs in one process.
JOBS ?= auto
PYTEST := QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -n $(JOBS) --dist loadgroup

.PHONY: run demo test test-fast test-latest lock check-system lint bench torture screenshots dist clean

$(STAMP): pyproject.toml requirements/dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) $(PIP_LOCKED) -r requirements/dev.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m cocon_desktop $(ARGS)

demo: $(STAMP)
	$(PY) -m cocon_desktop --demo

# The system packages the tests need (poppler-utils, softhsm2, fonts, Qt's libraries): one line naming the missing.
check-system:
	@$(PYTHON) tests/system_packages.py

test: check-system $(STAMP)
	$(PYTEST) $(PYTEST_ARGS)

# The inner loop: everything but the tests marked slow.
test-fast: check-system $(STAMP)
	$(PYTEST) -m "not slow" $(PYTEST_ARGS)

# The newest versions pyproject.toml allows, in a separate environment, then the whole suite: how the project
# learns about a breaking release before its users do. Never touches .venv or the lock.
test-latest: check-system
	rm -rf $(LATEST)
	$(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/python -m pip install --quiet --upgrade --no-cache-dir pip
	$(LATEST)/bin/python -m pip install --quiet --upgrade --upgrade-strategy eager --no-cache-dir -e '.[dev]'
	$(LATEST)/bin/python -m pip freeze --exclude-editable > build/latest-versions.txt
	QT_QPA_PLATFORM=offscreen $(LATEST)/bin/python -m pytest -q -n $(JOBS) --dist loadgroup -p no:cacheprovider \
		$(PYTEST_ARGS)

# Refresh the lock to the newest versions pyproject.toml allows (uv.lock), then export it for pip.
lock: $(STAMP)
	$(PY) $(PIP_LOCKED) -r requirements/lock.txt
	$(VENV)/bin/uv lock --upgrade
	$(MAKE) requirements

.PHONY: requirements
requirements:
	$(VENV)/bin/uv export --frozen --quiet --no-emit-project --no-header --no-dev --format requirements-txt \
		-o requirements/run.txt
	$(VENV)/bin/uv export --frozen --quiet --no-emit-project --no-header --no-dev --extra dev \
		--format requirements-txt -o requirements/dev.txt
	$(VENV)/bin/uv export --frozen --quiet --no-emit-project --no-header --no-dev --extra dev --extra dist \
		--format requirements-txt -o requirements/dist.txt
	$(VENV)/bin/uv export --frozen --quiet --no-emit-project --no-header --only-group lock \
		--format requirements-txt -o requirements/lock.txt

lint: $(STAMP)
	$(VENV)/bin/ruff check cocon_desktop tests benchmarks tools
	$(VENV)/bin/mypy

torture: $(STAMP)
	$(PY) -m tests.torture --runs $(or $(RUNS),200)

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
