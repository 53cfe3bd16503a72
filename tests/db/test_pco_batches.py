"""Batches per payer (issue 22, S6): a PCO's milestone invoice goes into a batch of its own — the pathway's prefix
on the file, `"pathway": "pco-tnd"` in the manifest, the PCO as the buyer of its documents — exported only, never
queued in the outbox; a COCON batch of the same practice stays what it was (no `pathway`, « COCON-RPM-… », queued).
Real SQLCipher practice, real signed invoices, the file checked as a network checks it."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import facturx
import pytest
from jsonschema import Draft202012Validator
from lxml import etree
from sqlalchemy import select

from cocon_desktop.documents.facturx import NS
from cocon_desktop.errors import CoconError
from cocon_desktop.models import OutboxEntry
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import batches, outbox, payer_batches, payers, practice_handle
from cocon_desktop.services.practice_handle import Practice
from cocon_exchange.batch_verify import verify_batch
from cocon_exchange.manifest_schema import manifest_schema
from tests.conftest import FAST_KDF, PROFILE, STRONG_PASSPHRASE
from tests.pco_batch_samples import NOW, manifest_of, practice_with_pco_invoice


@pytest.fixture
def practice(data_dir: Path, recovery: RecoveryKey) -> Iterator[Practice]:
    opened = practice_with_pco_invoice(data_dir, recovery)
    yield opened
    opened.close()


def buyer_of(data: bytes) -> list[str]:
    """The buyer's name and SIRET in the Factur-X data of the batch's first document."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        pdf = archive.read(next(n for n in archive.namelist() if n.startswith("documents/")))
    _, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    root = etree.fromstring(xml)
    return [str(v) for path in ("Name", "GlobalID")
            for v in root.xpath(f"//ram:BuyerTradeParty/ram:{path}/text()", namespaces=NS)]


def test_a_pco_batch_is_named_by_its_pathway_and_exported_only(practice: Practice, tmp_path: Path) -> None:
    payers.disable_payer(practice.sessions, "PCO1")  # a disabled payer's invoices still go out in a batch
    [pending] = batches.pending_documents(practice.sessions, "pco1")
    assert pending.total == Decimal("140.00") and pending.kind == "invoice"
    closed = batches.close_batch(practice, "PCO1", NOW)
    assert closed.network == "PCO1" and closed.state == "prepare" and closed.export_only
    assert closed.file_name.startswith("PCO-TND-PCO1-2026-10-") and closed.file_name.endswith(".zip")
    name, data = batches.batch_file(practice.sessions, closed.id)
    manifest = manifest_of(data)
    Draft202012Validator(manifest_schema()).validate(manifest)
    assert manifest["pathway"] == "pco-tnd" and manifest["network"] == "PCO1"
    check = verify_batch(data)
    assert check.ok, check.first_fault
    assert (check.pathway, check.network, check.documents, check.total) == ("pco-tnd", "PCO1", 1, Decimal("140.00"))
    assert buyer_of(data) == ["PCO-TND de la Gironde", "35600000000048"]  # the payer is the buyer, its SIRET

    # never queued: no outbox entry, nothing waiting, not on the Synchronisation page's list
    with practice.sessions() as session:
        assert session.scalars(select(OutboxEntry).where(OutboxEntry.batch_pk == closed.id)).all() == []
    assert outbox.waiting(practice.sessions) == [] and outbox.due(practice.sessions, NOW) == []
    assert [b.id for b in batches.list_batches(practice.sessions)] == [closed.id]
    assert batches.list_batches(practice.sessions, sendable_only=True) == []
    assert [b.id for b in batches.list_batches(practice.sessions, "PCO1")] == [closed.id]
    assert batches.last_unreceived(practice.sessions, "PCO1") == closed

    path = batches.export_batch(practice.sessions, closed.id, tmp_path / "cle", NOW)
    assert path.name == name and path.read_bytes() == data
    exported = batches.get_batch(practice.sessions, closed.id)
    assert exported.state == batches.EXPORTED and exported.exported_at == NOW
    assert outbox.waiting(practice.sessions) == []
    assert batches.pending_documents(practice.sessions, "PCO1") == []


def test_the_cocon_batch_beside_it_is_unchanged(practice: Practice) -> None:
    pco = batches.close_batch(practice, "PCO1", NOW)
    rpm = batches.close_batch(practice, "RPM", NOW)
    assert rpm.file_name.startswith("COCON-RPM-2026-10-") and not rpm.export_only
    _, data = batches.batch_file(practice.sessions, rpm.id)
    manifest = manifest_of(data)
    assert "pathway" not in manifest and manifest["network"] == "RPM"
    assert verify_batch(data).pathway == "cocon"
    assert [item.batch_pk for item in outbox.waiting(practice.sessions)] == [rpm.id]
    assert [b.id for b in batches.list_batches(practice.sessions, sendable_only=True)] == [rpm.id]
    assert {b.id for b in batches.list_batches(practice.sessions)} == {rpm.id, pco.id}


def test_a_payer_the_practice_does_not_have_is_refused(practice: Practice, data_dir: Path,
                                                       recovery: RecoveryKey) -> None:
    with pytest.raises(CoconError) as unknown:
        batches.pending_documents(practice.sessions, "PCO9")
    assert unknown.value.code == "batch_payer_unknown" and unknown.value.data["payers"] == "PCO1"
    with pytest.raises(CoconError) as closing:
        batches.close_batch(practice, "PCO2", NOW)
    assert closing.value.code == "batch_payer_unknown"
    practice.close()
    cocon_only = practice_handle.create_practice(data_dir / "autre", STRONG_PASSPHRASE, PROFILE, recovery,
                                                 params=FAST_KDF)
    try:  # a practice without configured payers says what it said before pathways
        with pytest.raises(CoconError) as network:
            batches.pending_documents(cocon_only.sessions, "PCO1")
        assert network.value.code == "network_unknown"
    finally:
        cocon_only.close()


def test_the_platforms_the_window_offers(practice: Practice, tmp_path: Path) -> None:
    [offered] = payer_batches.payer_batch_choices(practice.sessions)
    assert (offered.code, offered.name, offered.pending) == ("PCO1", "PCO-TND de la Gironde", 1)
    payers.disable_payer(practice.sessions, "PCO1")
    assert [c.code for c in payer_batches.payer_batch_choices(practice.sessions)] == ["PCO1"]  # still 1 waiting
    done = practice.write(payer_batches.export_payer_batch, "PCO1", tmp_path, NOW).value
    assert done.closed and done.path.parent == tmp_path and done.batch.state == batches.EXPORTED
    assert payer_batches.payer_batch_choices(practice.sessions) == []  # disabled, nothing left to put in a batch
    again = practice.write(payer_batches.export_payer_batch, "PCO1", tmp_path / "autre", NOW).value
    assert not again.closed and again.batch.id == done.batch.id and again.path.name == done.path.name
