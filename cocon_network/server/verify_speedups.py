"""Speed-ups of the libraries that verification spends its time in, installed in the verification processes
only (never in the desktop): the same answers, less CPU — the server verifies every PDF of every batch.

1. A faster reader of PDF hex strings for pyHanko.

A PAdES signature's /Contents is a hex string of 32,768 digits (16 KB reserved); pyHanko reads it one byte at a
time through generic Python calls, which is most of the time a batch's verification takes (47 ms of 77 ms a
PDF here). This reader takes the same bytes in one slice: the digits up to « > », whitespace removed, then
`binascii.unhexlify` — and hands anything else (a comment, a stray character, a truncated file) back to pyHanko's
own reader, from the same position, so that every odd case behaves exactly as before.

2. asn1crypto's RFC 4518 string preparation (used to compare certificate names, hundreds of times a batch: the
   same few strings) memoised: a pure function of its string.

3. The Factur-X XML that batch verification extracts from each PDF, kept by the PDF's SHA-256 until the next
   batch, so that storing it does not parse every PDF again (`extracted_xml`).

    install()                  idempotent; what verify_pool.verify calls first
    forget_extracted()         at the start of each batch
    extracted_xml(sha256) -> bytes | None"""

from __future__ import annotations

import binascii
import functools
import hashlib
import re
from typing import Any

_HEX = re.compile(rb"[0-9A-Fa-f]*")
_WHITESPACE = b"\x00\t\n\x0c\r "
_CHUNK = 1 << 16
_installed = False
_extracted: dict[str, bytes] = {}


def _fast_reader(original: Any, pdf_string: Any) -> Any:
    def read_hex_string_from_stream(stream: Any) -> Any:
        start = stream.tell()
        stream.read(1)  # « < »
        chunks: list[bytes] = []
        while True:
            block = stream.read(_CHUNK)
            if not block:
                break
            end = block.find(b">")
            if end >= 0:
                chunks.append(block[:end])
                stream.seek(end + 1 - len(block), 1)
                digits = b"".join(chunks).translate(None, _WHITESPACE)
                if _HEX.fullmatch(digits):
                    return pdf_string(binascii.unhexlify(digits + (b"0" if len(digits) % 2 else b"")))
                break
            chunks.append(block)
        stream.seek(start)
        return original(stream)

    return read_hex_string_from_stream


def _remembering(original: Any) -> Any:
    def get_xml_from_pdf(pdf_file: Any, *args: Any, **kwargs: Any) -> Any:
        found = original(pdf_file, *args, **kwargs)
        if isinstance(pdf_file, bytes) and isinstance(found, tuple) and len(found) == 2 \
                and isinstance(found[1], bytes):
            _extracted[hashlib.sha256(pdf_file).hexdigest()] = found[1]
        return found

    return get_xml_from_pdf


def forget_extracted() -> None:
    _extracted.clear()


def extracted_xml(sha256: str) -> bytes | None:
    return _extracted.get(sha256)


def install() -> None:
    global _installed
    if _installed:
        return
    import facturx
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils import generic

    generic.read_hex_string_from_stream = _fast_reader(generic.read_hex_string_from_stream,
                                                       generic.pdf_string)
    prep = functools.lru_cache(maxsize=4096)(functools.partial(asn1_x509.NameTypeAndValue._ldap_string_prep, None))
    asn1_x509.NameTypeAndValue._ldap_string_prep = lambda self, string: prep(string)
    facturx.get_xml_from_pdf = _remembering(facturx.get_xml_from_pdf)
    _installed = True
