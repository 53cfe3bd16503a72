"""Shared fixtures: real files in tmp_path, a light (but real) Argon2id, an in-memory keychain."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import keyring
import keyring.backend
import pytest

from cocon_desktop.domain.practice import PracticeProfile
from cocon_desktop.security.kdf import Argon2Params
from cocon_desktop.ui.none_refcount import pin_none
from tests import softhsm, system_packages
from tests.softhsm import Token

if TYPE_CHECKING:
    from cocon_network.receiver import Receiver

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
pin_none()  # PySide6 6.12 on Python 3.11 leaks references to None (see the module); the suite calls Qt a lot


def pytest_configure(config: pytest.Config) -> None:
    """Stop at once, with one line naming the Debian packages to install, if the suite's tools are missing."""
    absent = system_packages.missing()
    if absent:
        pytest.exit(system_packages.message(absent), returncode=pytest.ExitCode.USAGE_ERROR)


# Real Argon2id, lighter than production so that the suite stays fast.
FAST_KDF = Argon2Params(time_cost=1, memory_kib=8 * 1024, parallelism=1)
STRONG_PASSPHRASE = "Ours-brun-7-Lavande!"
OTHER_PASSPHRASE = "violette sapin marmotte falaise orage citron voilier"

PROFILE = PracticeProfile(
    name="Alice Dupont",
    trade_name="Cabinet test",
    profession="orthophoniste",
    rpps="10001234565",
    siret="91234567500017",
    address="3 place du Capitole",
    postcode="31000",
    city="Toulouse",
    phone="05 61 00 00 00",
    email="alice.dupont@example.org",
    iban="FR8930001000640000000000000",
    bic="BDFEFRPP",
    network="RPO",
)


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keychain that lives in memory, standing in for the OS one (which needs a desktop session)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture(autouse=True)
def no_keychain() -> Iterator[None]:
    """Every test starts with keyring's null backend (no keychain), like CI and servers."""
    from keyring.backends import null

    previous = keyring.get_keyring()
    keyring.set_keyring(null.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def memory_keychain() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "cabinet"


@pytest.fixture
def profile() -> PracticeProfile:
    return PROFILE


@pytest.fixture(scope="session")
def softhsm_token(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Token]:
    """One real PKCS#11 token (SoftHSM) for the whole session: see tests/softhsm.py for why only one."""
    reason = softhsm.unavailable_reason()
    if reason:
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("softhsm")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOFTHSM2_CONF", str(folder / "softhsm2.conf"))
        yield softhsm.make_token(folder)


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[Receiver]:
    """The real reference receiver on 127.0.0.1 (a free port), storing under tmp_path/reseau; its `faults`
    inject failures. Accepts the token tests.sync_samples.TOKEN."""
    from cocon_network.receiver import Receiver
    from tests.sync_samples import TOKEN

    server = Receiver(tmp_path / "reseau", [TOKEN], trust_first_use=True).start()
    yield server
    server.stop()
