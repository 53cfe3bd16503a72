"""The CNIL's rules for a password used alone (délibération 2022-100): at least 80 bits of entropy —
12 characters of 4 classes, 14 of 3, or a passphrase of 7 words — and, on top of them, a dictionary and pattern
check (zxcvbn, with a list of frequent French words and AZERTY rows added to its English dictionaries): a
passphrase that meets the letter of the rule but is guessable (« Password123! », « Azertyuiop1! »,
« aa bb cc dd ee ff gg ») is refused. An entropy estimate drives the meter.

zxcvbn is imported when a passphrase is first assessed, never at program start (docs/performance.md)."""

from __future__ import annotations

import math
import re
import string
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

DEMO_PASSPHRASE = "demo"  # the one passphrase exempt from the rule, for the demo practice only
TARGET_BITS = 80
WORD_BITS = 11.0  # a word drawn from a list of about 2,000 common words
MIN_GUESSES_LOG10 = 10.0  # zxcvbn's score 4: "very unguessable", at least 10^10 guesses
ZXCVBN_MAX_LENGTH = 100  # zxcvbn's matching grows fast with length: beyond, the rest only adds strength
FRENCH_LIST = "fr-common.txt"
_WORD_SPLIT = re.compile(r"[\s\-_.,;:/+]+")

# What the meter says of the weakest part zxcvbn found (its pattern names, and ours).
HINTS = ("common_word", "keyboard", "repeat", "sequence", "date", "short_words")


@dataclass(frozen=True)
class Assessment:
    length: int
    classes: int
    words: int
    bits: float
    rule: str  # which CNIL rule is met: "4-classes", "3-classes", "words", or "" when none
    guessable: bool = False  # the rule is met, but a dictionary or a pattern makes it guessable
    hint: str = ""  # one of HINTS: the weakness found, for the meter's words

    @property
    def acceptable(self) -> bool:
        return bool(self.rule) and not self.guessable

    @property
    def meter(self) -> int:
        """0–100 for a strength meter; 100 means the 80-bit target is reached."""
        return min(100, round(100 * self.bits / TARGET_BITS))


def _classes(text: str) -> int:
    lower = any(c.islower() for c in text)
    upper = any(c.isupper() for c in text)
    digit = any(c.isdigit() for c in text)
    other = any(not c.isalnum() for c in text)
    return sum((lower, upper, digit, other))


def _pool(text: str) -> int:
    pool = 0
    if any(c.islower() for c in text):
        pool += 26
    if any(c.isupper() for c in text):
        pool += 26
    if any(c.isdigit() for c in text):
        pool += 10
    if any(not c.isalnum() for c in text):
        pool += len(string.punctuation) + 1
    return pool


def _words(text: str) -> list[str]:
    return [w for w in _WORD_SPLIT.split(text.strip()) if len(w) >= 2]


def _real_word(word: str) -> bool:
    """A word that counts towards the 7: three letters or more, not one character repeated (« aa », « zzz »)."""
    return len(word) >= 3 and len(set(word.lower())) > 1


def fold(text: str) -> str:
    """Lower case without accents: « Été » and « ete » are the same dictionary word."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _zxcvbn() -> Any:
    """zxcvbn with the French list added as a ranked dictionary (once)."""
    import zxcvbn
    from zxcvbn import matching

    from cocon_desktop.paths import resources_dir

    words: list[str] = []
    for line in (resources_dir() / "passphrase" / FRENCH_LIST).read_text("utf-8").splitlines():
        word = fold(line.strip())
        if word and not word.startswith("#") and word not in words:
            words.append(word)
    matching.add_frequency_lists({"french": words})
    return zxcvbn.zxcvbn


_PATTERN_HINTS = {"dictionary": "common_word", "spatial": "keyboard", "repeat": "repeat", "sequence": "sequence",
                  "date": "date", "regex": "date"}


def _guesses(passphrase: str) -> tuple[float, str]:
    """(log10 of zxcvbn's guesses, the hint of its longest non-random match)."""
    result = _zxcvbn()(fold(passphrase), max_length=ZXCVBN_MAX_LENGTH)
    matches = [m for m in result["sequence"] if m["pattern"] in _PATTERN_HINTS]
    hint = ""
    if matches:
        hint = _PATTERN_HINTS[max(matches, key=lambda m: len(m["token"]))["pattern"]]
    return float(result["guesses_log10"]), hint


def assess(passphrase: str) -> Assessment:
    length = len(passphrase)
    classes = _classes(passphrase)
    words = _words(passphrase)
    distinct = len(set(passphrase))
    # A run of one character is not 14 characters of entropy: count distinct characters generously.
    effective = min(length, max(distinct * 2, 1)) if length else 0
    char_bits = effective * math.log2(_pool(passphrase)) if length else 0.0
    real_words = {fold(w) for w in words if _real_word(w)}
    word_bits = len(real_words) * WORD_BITS if len(real_words) >= 2 else 0.0
    bits = max(char_bits, word_bits)
    rule = ""
    if length >= 12 and classes >= 4 and distinct >= 6:
        rule = "4-classes"
    elif length >= 14 and classes >= 3 and distinct >= 6:
        rule = "3-classes"
    elif len(real_words) >= 7:
        rule = "words"
    guessable, hint = False, ""
    if len(words) >= 7 and len(real_words) < 7:
        hint = "short_words"
    if length:
        guesses_log10, found = _guesses(passphrase)
        hint = hint or found
        bits = min(bits, guesses_log10 * math.log2(10))
        guessable = guesses_log10 < MIN_GUESSES_LOG10
    if rule and not guessable:
        bits = max(bits, TARGET_BITS)
        hint = ""
    else:  # a refused passphrase never shows a full meter nor "80 bits" in the refusal
        bits = min(bits, TARGET_BITS - 1)
    return Assessment(length, classes, len(words), bits, rule, guessable, hint)
