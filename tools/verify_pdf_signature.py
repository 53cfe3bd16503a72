"""Check a signed PDF from outside the bundle (the smoke test of `make dist`): signed, intact, cryptographically
valid, covering the whole file; trusted against the certificate embedded in the signature itself (the identity
is checked by `cocon verify` inside the bundle, against the practice's certificate).

    .venv/bin/python tools/verify_pdf_signature.py FILE.pdf [...]
"""

from __future__ import annotations

import base64
import io
import sys
from pathlib import Path

from pyhanko.pdf_utils.reader import PdfFileReader

from cocon_desktop.documents.signing import validate


def check(path: Path) -> str | None:
    """None when the signature is good, else what is wrong."""
    pdf = path.read_bytes()
    signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
    if not signatures:
        return "not signed"
    certificate = signatures[0].signer_cert.dump()
    pem = b"-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(certificate) + \
        b"-----END CERTIFICATE-----\n"
    result = validate(pdf, pem)
    if not (result.signed and result.intact and result.valid and result.covers_whole_file):
        return f"signature check failed: {result}"
    return None


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    failed = 0
    for name in argv:
        problem = check(Path(name))
        print(f"{name}: {problem or 'signature valide (intacte, tout le fichier)'}")
        failed += problem is not None
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
