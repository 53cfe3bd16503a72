"""Plural forms and agreement instead of « (s) » and « (e) » (issue 18, #14): Babel's French rule (0 and 1 take
the singular), the codes' plural sentences, and no user-facing string of the program left with « (s) »."""

from __future__ import annotations

import pytest

from cocon_desktop import messages


@pytest.mark.parametrize(("count", "words"), [(0, "0 facture émise"), (1, "1 facture émise"),
                                              (2, "2 factures émises"), (1_000_000, "1000000 factures émises")])
def test_counted_follows_the_french_rule(count: int, words: str) -> None:
    assert messages.counted(count, "facture émise", "factures émises") == words


def test_a_code_takes_its_plural_sentence_from_its_count() -> None:
    assert messages.text("validation_failed", {"count": 1}) == "1 champ à corriger."
    assert messages.text("validation_failed", {"count": 3}) == "3 champs à corriger."
    assert messages.text("few_sessions_left", {"count": 2}) == "Plus que 2 séances sur ce forfait."
    assert messages.text("few_sessions_left", {"count": 1}) == "Plus que 1 séance sur ce forfait."
    assert messages.text("ends_soon", {"on": "01/12/2026", "count": 1}).endswith("(dans 1 jour).")
    assert set(messages.PLURALS) <= set(messages.MESSAGES)


def test_agreement_with_a_known_sex() -> None:
    assert messages.agreed("F", "né", "née") == "née"
    assert messages.agreed("M", "né", "née") == "né"
    assert messages.agreed("", "né", "née") == "né(e)"
