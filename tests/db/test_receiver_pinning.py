"""Signer pinning (issue 19, #4): a batch signed by another key with the same SIRET — anyone with an access token
can make such a certificate — was « Lot valide » for `cocon verify-batch` and received by the network. Now the
receiver accepts a practice's batches only from a certificate registered for its SIRET (`python -m cocon_network
register`, or trust on first use when asked), and `verify-batch` prints the signer and its SHA-256 fingerprint and
refuses another one than `--expect-cert`'s. Also: verify-batch reads no file whole before its size is known
(`/dev/zero` was a MemoryError), and every receipt carries the practice's highest numbers (#1)."""

from __future__ import annotations

import io
import os
import threading
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from cocon_desktop.cli.main import main as cocon
from cocon_desktop.sync.client import fetch_status, push_batch
from cocon_exchange.certificates import certificate_fingerprint, display_fingerprint
from cocon_exchange.protocol import BatchRejectedError
from cocon_network.__main__ import main as network_main
from cocon_network.receiver import Receiver
from tests.network_samples import impostor_certificate, sample_certificate, signed_batch
from tests.sync_samples import TOKEN, tamper

SIRET = "91234567500017"


def run(main: object, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))  # type: ignore[operator]
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def pinned(tmp_path: Path) -> Receiver:
    """A receiver without trust on first use: the sample practice's certificate registered by its command."""
    certificate = tmp_path / "cabinet.pem"
    certificate.write_bytes(sample_certificate()[0])
    code, out, _ = run(network_main, "register", "--store", str(tmp_path / "reseau"), "--siret", SIRET,
                       str(certificate))
    assert code == 0 and display_fingerprint(certificate_fingerprint(sample_certificate()[0])) in out
    with Receiver(tmp_path / "reseau", [TOKEN]) as receiver:
        yield receiver


def test_a_batch_from_another_key_with_the_same_siret_is_refused_by_the_receiver(pinned: Receiver) -> None:
    good = signed_batch()
    assert push_batch(pinned.url, TOKEN, good.batch_id, good.data, timeout=20).status == "recu"
    impostor = signed_batch(impostor_certificate())
    with pytest.raises(BatchRejectedError) as refused:
        push_batch(pinned.url, TOKEN, impostor.batch_id, impostor.data, timeout=20)
    assert refused.value.reject_code == "signer_not_registered"
    fingerprint = display_fingerprint(certificate_fingerprint(impostor_certificate()[0]))
    assert fingerprint in refused.value.reason and SIRET in refused.value.reason
    assert pinned.statuses() == [201, 422]


def test_an_unregistered_siret_is_refused_unless_trust_on_first_use(tmp_path: Path) -> None:
    batch = signed_batch()
    with Receiver(tmp_path / "strict", [TOKEN]) as strict:
        with pytest.raises(BatchRejectedError) as refused:
            push_batch(strict.url, TOKEN, batch.batch_id, batch.data, timeout=20)
        assert refused.value.reject_code == "practice_unregistered"
        assert "aucun certificat n'est enregistré pour le SIRET 91234567500017" in refused.value.reason
    with Receiver(tmp_path / "tofu", [TOKEN], trust_first_use=True) as tofu:
        assert push_batch(tofu.url, TOKEN, batch.batch_id, batch.data, timeout=20).status == "recu"
        (registered,) = tofu.registry.certificates(SIRET)
        assert registered.fingerprint == certificate_fingerprint(sample_certificate()[0])
        impostor = signed_batch(impostor_certificate())
        with pytest.raises(BatchRejectedError) as refused:
            push_batch(tofu.url, TOKEN, impostor.batch_id, impostor.data, timeout=20)
        assert refused.value.reject_code == "signer_not_registered"
        assert len(tofu.registry.certificates(SIRET)) == 1


def test_a_renewed_certificate_is_registered_beside_the_first_and_can_be_removed(pinned: Receiver,
                                                                                  tmp_path: Path) -> None:
    renewed = tmp_path / "renouvele.pem"
    renewed.write_bytes(impostor_certificate()[0])
    store = str(pinned.store.root)
    assert run(network_main, "register", "--store", store, "--siret", SIRET, str(renewed))[0] == 0
    batch = signed_batch(impostor_certificate())
    assert push_batch(pinned.url, TOKEN, batch.batch_id, batch.data, timeout=20).status == "recu"
    fingerprint = display_fingerprint(certificate_fingerprint(impostor_certificate()[0]))
    code, out, _ = run(network_main, "unregister", "--store", store, "--siret", SIRET, fingerprint)
    assert code == 0 and "retiré" in out
    assert run(network_main, "unregister", "--store", store, "--siret", SIRET, fingerprint)[0] == 1
    assert run(network_main, "register", "--store", store, "--siret", "123", str(renewed))[0] == 2
    assert run(network_main, "register", "--store", store, "--siret", SIRET, str(tmp_path / "absent.pem"))[0] == 2


def test_verify_batch_prints_the_signer_and_refuses_another_than_expected(tmp_path: Path) -> None:
    expected = tmp_path / "attendu.pem"
    expected.write_bytes(sample_certificate()[0])
    impostor = tmp_path / "lot.zip"
    impostor.write_bytes(signed_batch(impostor_certificate()).data)
    impostor_print = display_fingerprint(certificate_fingerprint(impostor_certificate()[0]))

    code, out, err = run(cocon, "verify-batch", str(impostor))  # without --expect-cert: valid, and says who
    assert code == 0 and "Lot valide : 2 documents" in out
    assert "Signataire : serialNumber=91234567500017,C=FR,O=Cabinet de psychomotricité du Vieux-Port,CN=Camille " \
           "Martin EI" in out and f"Empreinte SHA-256 du certificat : {impostor_print}" in out

    code, out, err = run(cocon, "verify-batch", str(impostor), "--expect-cert", str(expected))
    assert code == 1 and "Lot valide" not in out
    assert err.strip().startswith(f"Le lot est signé par le certificat {impostor_print}")
    assert err.strip().endswith("lot refusé.") and len(err.strip().splitlines()) == 1

    expected_print = certificate_fingerprint(sample_certificate()[0])
    assert run(cocon, "verify-batch", str(impostor), "--expect-cert", expected_print)[0] == 1
    code, out, _ = run(cocon, "verify-batch", str(impostor), "--expect-cert", impostor_print.lower())
    assert code == 0 and "signé par le certificat attendu" in out

    code, out, err = run(cocon, "verify-batch", str(impostor), "--expect-cert", str(tmp_path / "absent.pem"))
    assert code == 2 and out == "" and err.startswith("La valeur de --expect-cert")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
@pytest.mark.parametrize("target", ["/dev/zero", "folder", "huge"])
def test_verify_batch_checks_the_size_before_reading(tmp_path: Path, target: str) -> None:
    path = {"/dev/zero": Path("/dev/zero"), "folder": tmp_path, "huge": tmp_path / "enorme.zip"}[target]
    if target == "huge":
        with open(path, "wb") as sparse:  # 600 MB announced, nothing written: only a read would cost
            sparse.truncate(600 * 1024 * 1024)
    code, out, err = run(cocon, "verify-batch", str(path))
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert ("n'est pas un fichier ordinaire" in err) if target != "huge" else ("dépasse 500 Mo" in err)


def test_receipts_say_the_highest_number_per_series_for_the_practice(pinned: Receiver) -> None:
    first = signed_batch(numbers=("FAC-2026-0001", "FAC-2026-0002"))
    second = signed_batch(numbers=("FAC-2026-0007", "FAC-2025-0031"))
    assert push_batch(pinned.url, TOKEN, first.batch_id, first.data, timeout=20).highest == {"FAC-2026": 2}
    assert push_batch(pinned.url, TOKEN, second.batch_id, second.data, timeout=20).highest == {
        "FAC-2026": 7, "FAC-2025": 31}
    assert fetch_status(pinned.url, TOKEN, first.batch_id).highest == {"FAC-2026": 7, "FAC-2025": 31}
    damaged = signed_batch(numbers=("FAC-2026-0099",))
    with pytest.raises(BatchRejectedError):  # rejected on receipt: proves nothing, counts for nothing
        push_batch(pinned.url, TOKEN, damaged.batch_id, tamper(damaged.data, "documents/FAC-2026-0099.pdf"),
                   timeout=20)
    stored = pinned.store.get(damaged.batch_id)
    assert stored is not None and stored.receipt.highest == {}
    impostor = signed_batch(impostor_certificate(), numbers=("FAC-2026-0500",))
    with pytest.raises(BatchRejectedError):
        push_batch(pinned.url, TOKEN, impostor.batch_id, impostor.data, timeout=20)
    assert fetch_status(pinned.url, TOKEN, first.batch_id).highest == {"FAC-2026": 7, "FAC-2025": 31}


def test_the_network_registers_a_certificate_from_a_valid_batch_of_the_practice(tmp_path: Path) -> None:
    store = str(tmp_path / "reseau")
    batch = tmp_path / "lot.zip"
    batch.write_bytes(signed_batch().data)
    code, out, _ = run(network_main, "register", "--store", store, "--siret", SIRET, str(batch))
    assert code == 0 and display_fingerprint(certificate_fingerprint(sample_certificate()[0])) in out
    other_siret = run(network_main, "register", "--store", store, "--siret", "12345678900011", str(batch))
    assert other_siret[0] == 2 and "pas 12345678900011" in other_siret[2]
    damaged = tmp_path / "abime.zip"
    damaged.write_bytes(tamper(signed_batch(impostor_certificate()).data))
    code, _, err = run(network_main, "register", "--store", store, "--siret", SIRET, str(damaged))
    assert code == 2 and "lot invalide" in err
    with Receiver(tmp_path / "reseau", [TOKEN]) as receiver:
        assert [r.fingerprint for r in receiver.registry.certificates(SIRET)] == [
            certificate_fingerprint(sample_certificate()[0])]


def test_verify_batch_reads_a_pipe_whose_writer_comes_late_and_gives_up_on_one_without(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pipe = tmp_path / "lot.fifo"
    os.mkfifo(pipe)
    data = signed_batch().data

    def write_late() -> None:
        time.sleep(0.5)
        with open(pipe, "wb") as writer:
            writer.write(data)

    writer = threading.Thread(target=write_late)
    writer.start()
    code, out, err = run(cocon, "verify-batch", str(pipe))
    writer.join()
    assert code == 0 and "Lot valide : 2 documents" in out, err
    monkeypatch.setattr("cocon_desktop.cli.batches.PIPE_WAIT_SECONDS", 0.3)  # nobody ever writes: not for ever
    code, out, err = run(cocon, "verify-batch", str(pipe))
    assert code == 2 and "n'est pas un fichier ordinaire" in err
