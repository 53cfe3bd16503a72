"""The certificates a network registered for each practice (issue 19, #4): a batch is accepted only when the
certificate that signed its manifest (and so its PDFs) is registered for the SIRET the manifest names.

    <store>/practices/<siret>.json   {"siret": "…", "certificates": [{"sha256": "…", "subject": "…",
                                                                      "registered_at": "…"}, …]}

The network registers a practice's certificate by hand (`python -m cocon_network register --store DIR --siret N
CERT.pem`), from a file the practice gave it on a channel it trusts (`cocon` writes it, see docs/signing.md).
A receiver started with `--trust-first-use` registers the certificate of the first accepted batch of a SIRET
nobody registered, and refuses any other afterwards; without it, a batch from an unregistered SIRET is refused.
Without registration, any holder of an access token could send batches in another practice's name signed by a
key of their own (a self-signed certificate carries whatever SIRET its maker typed)."""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cocon_desktop.fsutil import atomic_write, ensure_private_dir
from cocon_exchange.certificates import certificate_fingerprint, certificate_subject, display_fingerprint

SIRET_PATTERN = re.compile(r"[0-9]{14}")


@dataclass(frozen=True)
class Registered:
    fingerprint: str  # SHA-256 of the certificate's DER, lowercase hexadecimal
    subject: str
    registered_at: str


class CertificateRegistry:
    def __init__(self, root: Path) -> None:
        self.folder = Path(root) / "practices"
        self._lock = threading.Lock()

    def _path(self, siret: str) -> Path:
        if not SIRET_PATTERN.fullmatch(siret):
            raise ValueError(f"invalid SIRET {siret!r}")
        return self.folder / f"{siret}.json"

    def certificates(self, siret: str) -> list[Registered]:
        """The certificates registered for `siret` (empty: none, or not a SIRET)."""
        try:
            data = json.loads(self._path(siret).read_text("utf-8"))
        except (FileNotFoundError, ValueError):
            return []
        rows = data.get("certificates", []) if isinstance(data, dict) else []
        return [Registered(str(r["sha256"]), str(r.get("subject", "")), str(r.get("registered_at", "")))
                for r in rows if isinstance(r, dict) and isinstance(r.get("sha256"), str)]

    def _write(self, siret: str, rows: list[Registered]) -> None:
        ensure_private_dir(self.folder)
        document = {"siret": siret, "certificates": [
            {"sha256": r.fingerprint, "subject": r.subject, "registered_at": r.registered_at} for r in rows]}
        atomic_write(self._path(siret), json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8"))

    def register(self, siret: str, certificate_pem: bytes, *, only_if_none: bool = False) -> Registered | None:
        """Register the certificate for `siret` (kept with those registered before: a practice that renews its
        certificate has both). With `only_if_none`, only when nothing is registered yet (trust on first use):
        None when something was. ValueError for a malformed SIRET or certificate."""
        fingerprint = certificate_fingerprint(certificate_pem)
        entry = Registered(fingerprint, certificate_subject(certificate_pem),
                           datetime.now(UTC).replace(microsecond=0).isoformat())
        with self._lock:
            rows = self.certificates(siret)
            if only_if_none and rows:
                return None
            if any(r.fingerprint == fingerprint for r in rows):
                return next(r for r in rows if r.fingerprint == fingerprint)
            self._write(siret, [*rows, entry])
        return entry

    def unregister(self, siret: str, fingerprint: str) -> bool:
        with self._lock:
            rows = self.certificates(siret)
            kept = [r for r in rows if r.fingerprint != fingerprint]
            if len(kept) == len(rows):
                return False
            self._write(siret, kept)
        return True

    def admit(self, siret: str, certificate_pem: bytes, *, trust_first_use: bool) -> tuple[str, str] | None:
        """None when a batch of `siret` signed by this certificate may be accepted, else (fault code, French
        reason). With `trust_first_use`, the first certificate of an unregistered SIRET is registered here."""
        try:
            fingerprint = certificate_fingerprint(certificate_pem)
        except ValueError:
            return "signer_unreadable", "le certificat du signataire du lot est illisible"
        if not SIRET_PATTERN.fullmatch(siret):
            return "practice_unregistered", f"SIRET {siret!r} invalide : aucun certificat ne peut y être enregistré"
        with self._lock:
            registered = self.certificates(siret)
            if not registered and trust_first_use:
                self._write(siret, [Registered(fingerprint, certificate_subject(certificate_pem),
                                               datetime.now(UTC).replace(microsecond=0).isoformat())])
                return None
        if not registered:
            return ("practice_unregistered",
                    f"aucun certificat n'est enregistré pour le SIRET {siret} : le réseau doit d'abord enregistrer "
                    "le certificat de signature du cabinet (python -m cocon_network register)")
        if any(r.fingerprint == fingerprint for r in registered):
            return None
        return ("signer_not_registered",
                f"le lot est signé par le certificat {display_fingerprint(fingerprint)}, qui n'est pas celui "
                f"enregistré pour le SIRET {siret} : lot refusé (un autre signataire au nom de ce cabinet ?)")
