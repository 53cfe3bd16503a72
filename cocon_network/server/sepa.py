"""The SEPA credit transfer file of a payment run: ISO 20022 pain.001.001.09, written by sepaxml and validated
against the XSD that sepaxml ships before anyone is offered it.

sepaxml (2.7) writes pain.001.001.09 (BICFI, ReqdExctnDt/Dt); its texts are folded to ASCII (unidecode), which
keeps them inside the EPC's Latin character set. One payment information block (batch booking) holds one credit
transfer per therapist. Amounts are integer cents, written as decimals by sepaxml's integer arithmetic; the group
header's NbOfTxs and CtrlSum are read back and compared with the run's own figures."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from lxml import etree
from sepaxml import SepaTransfer

SCHEMA = "pain.001.001.09"
NAMESPACE = f"urn:iso:std:iso:20022:tech:xsd:{SCHEMA}"
REMITTANCE_MAX = 140  # Ustrd: Max140Text
NAME_MAX = 70  # the EPC's limit for names (the XSD allows 140)
END_TO_END_MAX = 35
_SEPA_TEXT = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")  # the EPC's basic Latin character set


class SepaInvalid(ValueError):
    """The file does not validate against the ISO 20022 schema: it is never stored nor offered."""


@dataclass(frozen=True)
class Debtor:
    name: str
    iban: str
    bic: str = ""


@dataclass(frozen=True)
class CreditTransfer:
    end_to_end_id: str
    name: str
    iban: str
    bic: str
    amount_cents: int
    remittance: str


def sepa_text(text: str, limit: int) -> str:
    """`text` folded to the EPC's character set (accents dropped, other signs as spaces), at most `limit` long."""
    from text_unidecode import unidecode

    folded = _SEPA_TEXT.sub(" ", unidecode(text))
    return re.sub(r" {2,}", " ", folded).strip()[:limit]


@functools.cache
def _schema() -> etree.XMLSchema:
    import sepaxml

    path = Path(sepaxml.__file__).parent / "schemas" / f"{SCHEMA}.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


def validation_errors(xml: bytes) -> list[str]:
    """The schema's complaints about `xml` (empty: valid), each with its line."""
    try:
        document = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:
        return [f"XML mal formé : {error}"]
    schema = _schema()
    if schema.validate(document):
        return []
    return [f"ligne {entry.line} : {entry.message}" for entry in schema.error_log]


def validate(xml: bytes) -> None:
    """Raise SepaInvalid (in French, with the schema's first complaints) unless `xml` validates."""
    errors = validation_errors(xml)
    if errors:
        raise SepaInvalid(f"Le fichier de virement SEPA n'est pas conforme au schéma ISO 20022 {SCHEMA} : "
                          + " ; ".join(errors[:5]))


class _Transfer(SepaTransfer):  # type: ignore[misc]  # sepaxml ships no type hints
    """sepaxml's writer with the run's own message id and creation moment (sepaxml draws random ones)."""

    def __init__(self, config: dict[str, Any], message_id: str, created_at: datetime) -> None:
        self._message_id, self._created_at = message_id, created_at
        super().__init__(config, schema=SCHEMA)

    def _create_header(self) -> None:
        self.msg_id = self._message_id
        super()._create_header()
        header = self._xml.find("CstmrCdtTrfInitn").find("GrpHdr")
        header.find("CreDtTm").text = self._created_at.isoformat(timespec="seconds")


def totals(xml: bytes) -> tuple[int, int]:
    """(NbOfTxs, CtrlSum in cents) of the group header."""
    document = etree.fromstring(xml)
    names = {"n": NAMESPACE}
    count = document.findtext("n:CstmrCdtTrfInitn/n:GrpHdr/n:NbOfTxs", namespaces=names)
    control = document.findtext("n:CstmrCdtTrfInitn/n:GrpHdr/n:CtrlSum", namespaces=names)
    return int(count or 0), int(Decimal(control or "0") * 100)


def build_pain001(debtor: Debtor, transfers: list[CreditTransfer], *, message_id: str, execution_date: date,
                  created_at: datetime) -> bytes:
    """The validated pain.001.001.09 file of `transfers` (each > 0 cents) from `debtor`'s account."""
    if not transfers:
        raise ValueError("aucun virement à émettre")
    config: dict[str, Any] = {"name": sepa_text(debtor.name, NAME_MAX), "IBAN": debtor.iban, "batch": True,
                              "currency": "EUR"}
    if debtor.bic:
        config["BIC"] = debtor.bic
    writer = _Transfer(config, message_id, created_at)
    for transfer in transfers:
        if transfer.amount_cents <= 0:
            raise ValueError(f"montant non positif pour {transfer.name}")
        payment: dict[str, Any] = {
            "name": sepa_text(transfer.name, NAME_MAX), "IBAN": transfer.iban, "amount": transfer.amount_cents,
            "execution_date": execution_date, "description": sepa_text(transfer.remittance, REMITTANCE_MAX),
            "endtoend_id": transfer.end_to_end_id[:END_TO_END_MAX]}
        if transfer.bic:
            payment["BIC"] = transfer.bic
        writer.add_payment(payment)
    xml: bytes = writer.export(validate=False)
    validate(xml)
    expected = (len(transfers), sum(t.amount_cents for t in transfers))
    if totals(xml) != expected:
        raise SepaInvalid(f"Totaux du fichier SEPA incohérents : {totals(xml)} au lieu de {expected}")
    return xml
