# COCON Desktop — the two set-up commands that work on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run demo test lint bench torture screenshots dist clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m cocon_desktop $(ARGS)

demo: $(STAMP)
	$(PY) -m cocon_desktop --demo

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check cocon_desktop tests benchmarks
	$(VENV)/bin/mypy

torture: $(STAMP)
	$(PY) -m tests.torture --runs $(or $(RUNS),200)

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m benchmarks

screenshots: $(STAMP)
	xvfb-run -a -s "-screen 0 1400x900x24" $(PY) docs/screenshots.py docs/screenshots

# The one-folder bundle dist/cocon-desktop/ (PyInstaller, extra `dist`), then its smoke test, offscreen.
dist: $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,dist]'
	$(VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller \
		installer/cocon-desktop.spec
	cp installer/linux/install.sh installer/linux/cocon-desktop.desktop dist/cocon-desktop/
	installer/smoke_test.sh dist/cocon-desktop $(PY)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
