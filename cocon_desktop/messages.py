"""French sentences for the core's codes: filled, with their plural forms and agreements (the sentences are in
message_texts.py). The CLI prints them; the Qt UI passes them through tr()."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

from cocon_desktop.domain.money import euros as euros  # the CLI writes amounts through messages
from cocon_desktop.errors import CoconError, FieldError
from cocon_desktop.message_texts import FIELD_LABELS as FIELD_LABELS  # the sentences themselves
from cocon_desktop.message_texts import MESSAGES as MESSAGES
from cocon_desktop.message_texts import PLURALS as PLURALS
from cocon_desktop.message_texts import VERBATIM as VERBATIM

if TYPE_CHECKING:
    from cocon_desktop.domain.forfait import Warning


def fill(template: str, data: Mapping[str, Any] | None = None) -> str:
    """The template with its placeholders filled; as it is when the data does not fit it."""
    try:
        return template.format(**(data or {}))
    except (KeyError, IndexError, ValueError):
        return template


def is_singular(count: int) -> bool:
    """French plural rule (CLDR, through Babel): 0 and 1 take the singular (« 0 facture », « 1 facture »)."""
    return _plural_rule()(abs(count)) == "one"


@lru_cache(maxsize=1)
def _plural_rule() -> Callable[[int], str]:
    from babel import Locale  # Babel's data: loaded at the first plural, not at start

    rule: Callable[[int], str] = Locale.parse("fr_FR").plural_form
    return rule


def plural(count: int, singular: str, plural_text: str) -> str:
    """ngettext for French: the singular for 0 and 1, else the plural (the caller fills in the count)."""
    return singular if is_singular(count) else plural_text


def counted(count: int, singular: str, plural_text: str) -> str:
    """« 1 facture émise », « 2 factures émises », « 0 facture émise »: the count and its words, agreed."""
    return f"{count} {plural(count, singular, plural_text)}"


def agreed(sex: str, masculine: str, feminine: str) -> str:
    """The word agreed with a person's sex (« F », « M »: a child's record, the practitioner's civility); both
    forms, « né(e) », only when it is unknown."""
    if sex == "F":
        return feminine
    if sex == "M":
        return masculine
    return f"{masculine}({feminine[len(masculine):]})" if feminine.startswith(masculine) else feminine


def template(code: str, data: Mapping[str, Any] | None = None) -> str:
    """The sentence of `code`, in its plural form (PLURALS) when its data's count takes the plural."""
    count = (data or {}).get("count")
    if isinstance(count, int) and not isinstance(count, bool) and code in PLURALS and not is_singular(count):
        return PLURALS[code]
    return MESSAGES.get(code, code)


def text(code: str, data: Mapping[str, Any] | None = None) -> str:
    return fill(template(code, data), data)


def describe(error: CoconError) -> str:
    """One French sentence for an error (for a ValidationError: each field and its problem)."""
    from cocon_desktop.errors import ValidationError

    if isinstance(error, ValidationError):
        return " ".join(describe_field(e) for e in error.errors)
    return text(error.code, error.data)


def describe_field(error: FieldError) -> str:
    return f"{FIELD_LABELS.get(error.field, error.field)} : {text(error.code, error.data)}"


def french_date(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


class Coded(Protocol):
    """An error kept as a code and its data (services/outbox_errors.OutboxError)."""

    @property
    def code(self) -> str: ...

    @property
    def params(self) -> dict[str, str]: ...


def month_words(first: date) -> str:
    """"octobre 2026"."""
    from babel.dates import format_date  # Babel's data: loaded when first needed, not at start

    return str(format_date(first, "MMMM y", locale="fr_FR"))


def _of(words: str) -> str:
    """"d'octobre 2026", "de psychomotricité": the French elision before a vowel or a mute h."""
    return f"d'{words}" if words[:1] in "aeiouyhé" else f"de {words}"


def _word(value: object) -> object:
    if isinstance(value, date):
        return french_date(value)
    if isinstance(value, Decimal):
        return euros(value)
    return value


def line_text(code: str, data: Mapping[str, object], translate: Callable[[str], str] = str) -> str:
    """A dashboard line as a French sentence: the template of `code` (of `code_N` when the count N has its own
    wording: « une séance », « 1 jour ») passed through `translate` (the window's tr()), filled with the line's data
    in French; an outbox error (`error`) is added after a dash."""
    count = data.get("count")
    template = MESSAGES.get(f"{code}_{count}") or MESSAGES.get(code, code)
    words = {name: _word(value) for name, value in data.items()}
    discipline, month = data.get("discipline"), data.get("month")
    if isinstance(discipline, str):
        from cocon_desktop.domain.disciplines import short_label

        words["of_discipline"] = _of(short_label(discipline).lower())
    if isinstance(month, date):
        words["month_words"] = month_words(month)
        words["of_month"] = _of(str(words["month_words"]))
    sentence = fill(translate(template), words)
    error = data.get("error")
    if error is not None:
        coded: Coded = error  # type: ignore[assignment]
        said = fill(translate(MESSAGES.get(coded.code, coded.code)), coded.params)
        sentence = sentence[:-1] + f" — {said.strip().rstrip('.')}."
    return sentence


def warning_text(warning: Warning) -> str:
    """A forfait warning as a French sentence."""
    return text(warning.code, {"on": french_date(warning.on), "count": warning.count})
