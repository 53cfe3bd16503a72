"""The CNIL's rules for a passphrase used alone (délibération 2022-100), as the user meets them."""

from __future__ import annotations

import pytest

from cocon_desktop.domain.passphrase import DEMO_PASSPHRASE, assess
from cocon_desktop.errors import VaultError
from cocon_desktop.security.vault import check_passphrase_allowed


@pytest.mark.parametrize(
    ("passphrase", "rule"),
    [
        ("kT7#qL9!vX2m", "4-classes"),  # 12 characters of 4 classes
        ("gq8Rzp4mWkx2Tn", "3-classes"),  # 14 characters of 3 classes
        ("violette sapin marmotte falaise orage citron voilier", "words"),  # 7 words
        ("cheval été pluie lampe mouton grenier crayon", "words"),  # diceware-style, French, accents
        ("correct horse battery staple orange window cloud", "words"),  # diceware-style, English
    ],
)
def test_accepted(passphrase: str, rule: str) -> None:
    result = assess(passphrase)
    assert result.acceptable
    assert result.rule == rule
    assert result.meter == 100


@pytest.mark.parametrize(
    "passphrase",
    [
        "Abcdef12!?x",  # 11 characters of 4 classes
        "Abcdefgh12345",  # 13 characters of 3 classes
        "violette sapin marmotte falaise orage citron",  # 6 words
        "aaaaaaaaaaaaaaA1!",  # long, 4 classes, but only 4 distinct characters
        "",
    ],
)
def test_refused(passphrase: str) -> None:
    result = assess(passphrase)
    assert not result.acceptable
    assert result.rule == ""
    assert result.meter < 100


@pytest.mark.parametrize(
    ("passphrase", "hint"),
    [
        ("Password123!", "common_word"),  # issue 19, #10: "80 bits" on 3412e4b
        ("Azertyuiop1!", "common_word"),  # the AZERTY top row
        ("aa bb cc dd ee ff gg", "short_words"),  # seven "words" of one repeated letter
        ("Orthophoniste!75", "common_word"),  # a French word from the added list
        ("Abcdef12!?xy", "sequence"),
        ("qsdfghjklm1A!", "common_word"),  # the AZERTY middle row
    ],
)
def test_guessable_passphrases_meeting_the_letter_of_the_rule_are_refused(passphrase: str, hint: str) -> None:
    result = assess(passphrase)
    assert not result.acceptable
    assert result.bits < 80
    assert result.meter < 100
    assert result.hint == hint
    with pytest.raises(VaultError) as caught:
        check_passphrase_allowed(passphrase)
    assert caught.value.code == "passphrase_too_weak"


def test_zxcvbn_is_not_imported_by_the_module() -> None:
    import subprocess
    import sys

    code = "import sys, cocon_desktop.domain.passphrase; print('zxcvbn' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "False"


def test_repeated_words_do_not_count_twice() -> None:
    assert not assess("chat chat chat chat chat chat chat").acceptable


def test_meter_goes_from_0_to_100() -> None:
    meters = [assess(p).meter for p in ("", "a", "abcdef", "Abcdef1!", "kT7#qL9!vX2m")]
    assert meters[0] == 0
    assert meters[-1] == 100
    assert all(0 <= m <= 100 for m in meters)
    assert meters == sorted(meters)
    assert 0 < meters[2] < 100


def test_only_the_demo_may_use_the_demo_passphrase() -> None:
    check_passphrase_allowed(DEMO_PASSPHRASE, demo=True)
    with pytest.raises(VaultError) as caught:
        check_passphrase_allowed(DEMO_PASSPHRASE)
    assert caught.value.code == "passphrase_too_weak"
    assert isinstance(caught.value.data["bits"], int)
