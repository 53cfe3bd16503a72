"""The pathway of a batch (issue 22, S6): the manifest's optional `pathway` key (written only when it is not COCON's),
the file name's prefix, what verify_batch reports, the schema's pattern, the labels both sides share, and the network
server's `pathway` setting (TOML key, COCON_NETWORK_PATHWAY)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from cocon_desktop.services.pathway_store import shipped_pathways
from cocon_exchange.batch_format import MANIFEST_NAME, BatchContent, batch_file_name, build_batch, build_manifest
from cocon_exchange.batch_verify import verify_batch
from cocon_exchange.manifest_schema import schema_problem
from cocon_exchange.manifest_signature import simple_manifest_signer
from cocon_exchange.pathway_labels import LABELS, pathway_label
from cocon_network.server.config import load_settings
from tests.unit.batch_helpers import Identity, content, identity, members, signed_documents


@pytest.fixture(scope="module")
def who() -> Identity:
    return identity()


@pytest.fixture(scope="module")
def cocon(who: Identity) -> BatchContent:
    return content(signed_documents(who))


def _built(who: Identity, batch: BatchContent) -> bytes:
    return build_batch(batch, simple_manifest_signer(who.certificate_pem, who.private_key_der))


def test_a_pco_tnd_batch_says_its_pathway_and_verifies(who: Identity, cocon: BatchContent) -> None:
    pco = dataclasses.replace(cocon, network="PCO1", pathway="pco-tnd")
    data = _built(who, pco)
    manifest = json.loads(dict(members(data))[MANIFEST_NAME])
    assert manifest["pathway"] == "pco-tnd" and manifest["network"] == "PCO1"
    check = verify_batch(data)
    assert check.ok, check.first_fault
    assert (check.pathway, check.network) == ("pco-tnd", "PCO1")
    assert batch_file_name(pco, "PCO-TND") == "PCO-TND-PCO1-2026-11-1a2b3c4d.zip"


def test_a_cocon_batch_has_no_pathway_key(who: Identity, cocon: BatchContent) -> None:
    assert cocon.pathway == "cocon"
    assert "pathway" not in build_manifest(cocon, b"")
    assert verify_batch(_built(who, cocon)).pathway == "cocon"  # absent: COCON
    assert batch_file_name(cocon) == "COCON-RPM-2026-11-1a2b3c4d.zip"


@pytest.mark.parametrize("pathway", ["PCO-TND", "p", "pco_tnd", "pco-tnd\n", "a" * 21, ""])
def test_a_pathway_outside_the_pattern_is_refused(cocon: BatchContent, pathway: str) -> None:
    manifest = build_manifest(cocon, b"")
    manifest["pathway"] = pathway
    assert schema_problem(manifest).startswith("$.pathway")
    with pytest.raises(ValueError, match="pathway"):
        build_batch(dataclasses.replace(cocon, pathway=pathway), lambda _: b"")


@pytest.mark.parametrize("prefix", ["", "X", "PCO TND", "../COCON", "A" * 21])
def test_a_file_prefix_outside_the_pattern_is_refused(cocon: BatchContent, prefix: str) -> None:
    with pytest.raises(ValueError, match="prefix"):
        batch_file_name(cocon, prefix)


def test_the_labels_are_the_shipped_pathways() -> None:
    assert {pathway.id: pathway.label for pathway in shipped_pathways().values()} == LABELS
    assert (pathway_label("pco-tnd"), pathway_label("base")) == ("PCO-TND", "base")


def test_the_server_setting(tmp_path: Path) -> None:
    assert load_settings(None, {}).pathway == "cocon"
    path = tmp_path / "serveur.toml"
    path.write_text('network = "PCO1"\npathway = "pco-tnd"\n', "utf-8")
    assert load_settings(path, {}).pathway == "pco-tnd"
    assert load_settings(path, {"COCON_NETWORK_PATHWAY": "cocon"}).pathway == "cocon"
