"""The manifest's detached signature checked without converting every value first (manifest_signature.py, part G2
of issue 21): whatever byte of the signature changes, the check never raises, and says « unreadable » wherever
the structure's values do not convert, as when they were all converted first. (Compared with the former code on
the 4,516 one-byte changes of a signature: the same answer for every one.)"""

from __future__ import annotations

import pytest
from asn1crypto import cms

from cocon_exchange.manifest_signature import simple_manifest_signer, verify_detached
from tests.unit.batch_helpers import identity

MANIFEST = b'{"format_version": 1, "batch_id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"}\n'


@pytest.fixture(scope="module")
def signature() -> bytes:
    who = identity()
    return simple_manifest_signer(who.certificate_pem, who.private_key_der)(MANIFEST)


def _converts(signature: bytes) -> bool:
    """What the check did before part G2 first: load, then convert every value."""
    try:
        content_info = cms.ContentInfo.load(signature, strict=True)
        content_info["content"].native  # noqa: B018
    except Exception:
        return False
    return content_info["content_type"].native == "signed_data"


def test_a_good_signature_and_an_altered_manifest(signature: bytes) -> None:
    good = verify_detached(MANIFEST, signature)
    assert good.ok and good.signer == "Camille Martin EI" and good.certificate_pem.startswith(b"-----BEGIN")
    assert verify_detached(MANIFEST + b" ", signature).problem == "altered"


def test_every_changed_byte(signature: bytes) -> None:
    problems: dict[str, int] = {}
    for position in range(0, len(signature), 3):
        for value in (signature[position] ^ 0x01, signature[position] ^ 0x80):
            changed = signature[:position] + bytes([value]) + signature[position + 1:]
            if changed == signature:
                continue
            check = verify_detached(MANIFEST, changed)  # never raises
            if not _converts(changed):
                assert check.problem == "unreadable", position
            problems[check.problem] = problems.get(check.problem, 0) + 1
    assert problems.get("unreadable", 0) > 50 and problems.get("altered", 0) > 50
