"""The CNIL's rules for a password used alone (délibération 2022-100): at least 80 bits of entropy —
12 characters of 4 classes, 14 of 3, or a passphrase of 7 words — and an entropy estimate for a meter."""

from __future__ import annotations

import math
import re
import string
from dataclasses import dataclass

DEMO_PASSPHRASE = "demo"  # the one passphrase exempt from the rule, for the demo practice only
TARGET_BITS = 80
WORD_BITS = 11.0  # a word drawn from a list of about 2,000 common words
_WORD_SPLIT = re.compile(r"[\s\-_.,;:/+]+")


@dataclass(frozen=True)
class Assessment:
    length: int
    classes: int
    words: int
    bits: float
    rule: str  # which CNIL rule is met: "4-classes", "3-classes", "words", or "" when none

    @property
    def acceptable(self) -> bool:
        return bool(self.rule)

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


def assess(passphrase: str) -> Assessment:
    length = len(passphrase)
    classes = _classes(passphrase)
    words = _words(passphrase)
    distinct = len(set(passphrase))
    # A run of one character is not 14 characters of entropy: count distinct characters generously.
    effective = min(length, max(distinct * 2, 1)) if length else 0
    char_bits = effective * math.log2(_pool(passphrase)) if length else 0.0
    word_bits = len(set(w.lower() for w in words)) * WORD_BITS if len(words) >= 2 else 0.0
    bits = max(char_bits, word_bits)
    rule = ""
    if length >= 12 and classes >= 4 and distinct >= 6:
        rule = "4-classes"
    elif length >= 14 and classes >= 3 and distinct >= 6:
        rule = "3-classes"
    elif len(set(w.lower() for w in words)) >= 7:
        rule = "words"
    if rule:
        bits = max(bits, TARGET_BITS)
    else:  # a refused passphrase never shows a full meter nor "80 bits" in the refusal
        bits = min(bits, TARGET_BITS - 1)
    return Assessment(length, classes, len(words), bits, rule)
