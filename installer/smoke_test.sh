#!/bin/sh
# Smoke test of the bundle built by `make dist` (installer/cocon-desktop.spec), offscreen, from inside the bundle:
#   1. `cocon-desktop --self-test`: demo practice, main window (Qt plugins, DejaVu fonts, navigation icons), About box;
#   2. `cocon demo`, then `cocon invoice` issues signed invoices (PAdES, Factur-X) and writes their PDFs,
#      `cocon verify` checks the chain and the signatures against the practice's certificate;
#   3. outside the bundle, tools/verify_pdf_signature.py checks each PDF's signature with the venv's pyHanko.
# Usage: installer/smoke_test.sh BUNDLE_DIR PYTHON
set -eu
BUNDLE=${1:-dist/cocon-desktop}
PYTHON=${2:-.venv/bin/python}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cocon-smoke-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export QT_QPA_PLATFORM=offscreen
export COCON_DATA_DIR="$WORK/no-default"  # never the user's own practice

echo "== cocon-desktop --self-test"
timeout 300 "$BUNDLE/cocon-desktop" --self-test --data-dir "$WORK/gui"

echo "== cocon demo, invoice, verify"
"$BUNDLE/cocon" --data-dir "$WORK/cabinet" demo
PERIOD=$("$PYTHON" -c 'import datetime as d; print((d.date.today().replace(day=1) - d.timedelta(days=1)).strftime("%Y-%m"))')
echo demo | "$BUNDLE/cocon" --data-dir "$WORK/cabinet" --passphrase-stdin network address RPM "1 rue Fictive" 13005 Marseille
echo demo | "$BUNDLE/cocon" --data-dir "$WORK/cabinet" --passphrase-stdin invoice --network RPM --period "$PERIOD" --out "$WORK/pdf"
echo demo | "$BUNDLE/cocon" --data-dir "$WORK/cabinet" --passphrase-stdin verify
ls "$WORK"/pdf/FAC-*.pdf >/dev/null

echo "== signatures, checked outside the bundle"
"$PYTHON" tools/verify_pdf_signature.py "$WORK"/pdf/FAC-*.pdf
echo "smoke test: OK"
