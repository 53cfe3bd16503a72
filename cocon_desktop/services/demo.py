"""The demo practice: fictitious data, spread over the three networks, passphrase "demo".

It grows with every capability (children, séances, invoices… as they are built)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cocon_desktop.domain.passphrase import DEMO_PASSPHRASE
from cocon_desktop.domain.practice import PracticeProfile
from cocon_desktop.security.kdf import Argon2Params
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services.demo_children import add_demo_children
from cocon_desktop.services.demo_invoices import add_demo_invoices
from cocon_desktop.services.demo_pco import add_demo_pco
from cocon_desktop.services.demo_seances import add_demo_seances
from cocon_desktop.services.practice_handle import Practice, create_practice

# A fictitious therapist. The SIRET and IBAN pass their check digits but belong to no one we know of.
DEMO_PROFILE = PracticeProfile(
    name="Camille Martin",
    trade_name="Cabinet de psychomotricité du Vieux-Port (démonstration)",
    profession="psychomotricien",
    civility="Mme",
    rpps="10001234565",
    siret="91234567500017",
    address="12 rue de la République",
    postcode="13002",
    city="Marseille",
    phone="04 91 00 00 00",
    email="cabinet.demo@example.org",
    iban="FR8930001000640000000000000",
    bic="BDFEFRPP",
    network="RPM",
)
# The demo is opened often (tests, newcomers): the vault's KDF is lighter than a real one.
DEMO_KDF = Argon2Params(time_cost=2, memory_kib=32 * 1024, parallelism=2)


def create_demo(data_dir: Path, today: date, *, pco: bool = False) -> Practice:
    """The demo practice as it looks on `today` (the caller's clock: the demo never reads the system date).
    `pco`: the practice works with PCO-TND too, and one child is relayed to the demo's plateforme (demo_pco.py)."""
    practice = create_practice(data_dir, DEMO_PASSPHRASE, DEMO_PROFILE, RecoveryKey.generate(),
                               params=DEMO_KDF, demo=True)
    add_demo_children(practice.sessions, today)
    add_demo_seances(practice.sessions, today)
    relayed = add_demo_pco(practice, today) if pco else None
    add_demo_invoices(practice, today, ("PCO1",) if relayed is not None else ())
    return practice
