"""The attestation agrees with what is known (issue 18, #14): the practitioner's civility from the profile
(« Je soussignée », « psychomotricienne »), the child's sex from its record (« née le »); both forms only while the
civility is not given. Text read from the real PDF with pdftotext."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cocon_desktop.domain.networks import profession_label
from cocon_desktop.domain.practice import validate_profile
from cocon_desktop.services import attestations
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.practice_profile import load_profile, save_profile
from tests.conftest import PROFILE
from tests.db.attestation_helpers import make_child
from tests.db.test_attestations import OCTOBER, TODAY, needs_poppler, pdf_text


@needs_poppler
@pytest.mark.parametrize(("civility", "opening"), [("Mme", "Je soussignée Alice Dupont, orthophoniste"),
                                                   ("M.", "Je soussigné Alice Dupont, orthophoniste"),
                                                   ("", "Je soussigné(e) Alice Dupont, orthophoniste")])
def test_the_opening_agrees_with_the_civility(practice: Practice, civility: str, opening: str) -> None:
    save_profile(practice.sessions, replace(PROFILE, civility=civility))
    assert load_profile(practice.sessions).civility == civility
    child = make_child(practice)  # Léa, sex F
    words = pdf_text(attestations.issue(practice.sessions, child, "seances", OCTOBER, TODAY).pdf)
    assert opening in words
    assert "Léa DUPONT, née le 01/03/2025" in words and "né(e) le" not in words


def test_profession_titles_follow_the_civility() -> None:
    assert profession_label("psychomotricien", "Mme") == "Psychomotricienne"
    assert profession_label("psychomotricien", "M.") == "Psychomotricien"
    assert profession_label("kinesitherapeute", "Mme") == "Masseuse-kinésithérapeute"
    assert profession_label("orthophoniste", "Mme") == "Orthophoniste"
    assert profession_label("psychomotricien", "") == "Psychomotricien·ne"  # not given: the inclusive title


def test_an_unknown_civility_is_refused() -> None:
    errors = validate_profile(replace(PROFILE, civility="Dr"))
    assert [(e.field, e.code) for e in errors] == [("civility", "choice_invalid")]
