"""The CNIL's rules for a passphrase used alone (délibération 2022-100), as the user meets them."""

from __future__ import annotations

import pytest

from cocon_desktop.domain.passphrase import DEMO_PASSPHRASE, assess
from cocon_desktop.errors import VaultError
from cocon_desktop.security.vault import check_passphrase_allowed


@pytest.mark.parametrize(
    ("passphrase", "rule"),
    [
        ("Abcdef12!?xy", "4-classes"),  # 12 characters of 4 classes
        ("Abcdefgh123456", "3-classes"),  # 14 characters of 3 classes
        ("violette sapin marmotte falaise orage citron voilier", "words"),  # 7 words
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


def test_repeated_words_do_not_count_twice() -> None:
    assert not assess("chat chat chat chat chat chat chat").acceptable


def test_meter_goes_from_0_to_100() -> None:
    meters = [assess(p).meter for p in ("", "a", "abcdef", "Abcdef1!", "Abcdef12!?xy")]
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
