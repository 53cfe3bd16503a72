"""One cell of an imported list → one value of the child's file, the ways people and programs write it.

Each parser takes a non-empty, stripped cell and returns the value, or raises CoconError(code, value=cell)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from cocon_desktop.domain.child import EXIT_REASONS, INCLUSION_CRITERIA, RISK_GROUPS
from cocon_desktop.domain.networks import NETWORKS
from cocon_desktop.domain.text import fold, parse_date_fr
from cocon_desktop.errors import CoconError


def key(text: str) -> str:
    """Lower case, no accents, any run of punctuation or spaces as one space: "N° d'inclusion" → "n d inclusion"."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(text)).split())


def _lookup(table: dict[str, str], code: str, cell: str) -> str:
    found = table.get(key(cell))
    if found is None:
        raise CoconError(code, value=cell)
    return found


def text(cell: str) -> str:
    return " ".join(cell.split())


# 12/03/2024, 12/03/24, 2024-03-12, with the "00:00:00" a spreadsheet may add
_TIME_SUFFIX = re.compile(r"^(\S+)(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")


def day(cell: str) -> date:
    match = _TIME_SUFFIX.match(cell)
    parsed = parse_date_fr(match[1] if match else cell)
    if parsed is None:
        raise CoconError("date_invalid", value=cell)
    return parsed


_SEXES = {"f": "F", "fille": "F", "feminin": "F", "femme": "F", "fem": "F", "2": "F",
          "m": "M", "g": "M", "garcon": "M", "masculin": "M", "homme": "M", "h": "M", "masc": "M", "1": "M"}


def sex(cell: str) -> str:
    """F or M; the NIR's first digit counts too (1 boy, 2 girl)."""
    return _lookup(_SEXES, "sex_unknown", cell)


# "28", "28 SA", "28+3", "28 SA + 3 j", "28SA3j", "28 SA et 3 jours", "28 3/7", "28+3 SA"
_TERM = re.compile(r"""^(?P<weeks>\d{1,2})
    (?:(?:\s*(?:sa|s|sem|semaines?)\s*(?:\+|et)?|\s*(?:\+|et)|\s+)\s*(?P<days>\d{1,2})\s*(?:/\s*7|j|jours?)?)?
    \s*(?:sa|s|sem|semaines?)?$""", re.VERBOSE)
_DECIMAL_TERM = re.compile(r"^(\d{1,2})[.,](\d{1,3})\s*(?:sa)?$")


def term(cell: str) -> tuple[int, int]:
    """(weeks, days) of gestational age. "28+3" is 28 weeks 3 days. "28,5" is refused as ambiguous (28.5
    weeks, or 28 weeks 5 days?) unless the decimals are zeros."""
    folded = fold(cell)
    match = _TERM.match(folded)
    if match:
        return int(match["weeks"]), int(match["days"] or 0)
    match = _DECIMAL_TERM.match(folded)
    if match:
        if int(match[2]) == 0:
            return int(match[1]), 0
        raise CoconError("gestational_age_ambiguous", value=cell)
    raise CoconError("gestational_age_invalid", value=cell)


def term_days(cell: str) -> int:
    match = re.fullmatch(r"(\d{1,2})\s*(?:j|jours?)?", fold(cell))
    if match is None:
        raise CoconError("gestational_age_invalid", value=cell)
    return int(match[1])


_WEIGHT = re.compile(r"^(\d{1,7}(?:[.,]\d{1,3})?)(kg|kgs|kilos?|g|gr|grammes?)?$")


def weight_g(cell: str) -> int:
    """Grams from "1200", "1 200 g", "1,2 kg", "1.2kg", "1,200". With no unit, a number below 10 is in kg
    (nobody is born weighing 10 g, nor 10 kg) whatever the header says."""
    compact = "".join(fold(cell).split())
    match = _WEIGHT.match(compact)
    if match is None:
        raise CoconError("birth_weight_invalid", value=cell)
    number = Decimal(match[1].replace(",", "."))
    unit = match[2] or ""
    in_kg = unit.startswith("k") or (not unit and number < 10)
    return int((number * 1000 if in_kg else number).to_integral_value())


def _network_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for code, network in NETWORKS.items():
        names[key(code)] = code
        names[key(network.name)] = code
        names[key(network.region)] = code
        names[key(network.coordination_tool)] = code
    aliases = {"paca": "RPM", "provence alpes cote d azur": "RPM", "monaco": "RPM", "mediterranee": "RPM",
               "perinat mediterranee": "RPM", "occitanie": "RPO", "nouvelle aquitaine": "RPNA", "aquitaine": "RPNA",
               "perinat nouvelle aquitaine": "RPNA"}
    names.update(aliases)
    return names


_NETWORK_NAMES = _network_names()


def network(cell: str) -> str:
    """RPM, RPO or RPNA, from the code, the network's name or the region's (PACA, Occitanie…)."""
    return _lookup(_NETWORK_NAMES, "network_unknown", cell)


_RISK = {key(code): code for code in RISK_GROUPS} | {key(label): code for code, label in RISK_GROUPS.items()} | {
    "haut risque": "haut", "eleve": "haut", "risque eleve": "haut", "hr": "haut", "fort": "haut",
    "modere": "modere", "moyen": "modere", "risque moyen": "modere", "rm": "modere"}


def risk_group(cell: str) -> str:
    return _lookup(_RISK, "risk_group_unknown", cell)


_CRITERIA = {key(code): code for code in INCLUSION_CRITERIA} | {
    key(label): code for code, label in INCLUSION_CRITERIA.items()} | {
    "33 sa": "ag_lt_33", "ag 33": "ag_lt_33", "ag 33 sa": "ag_lt_33", "prematurite": "ag_lt_33",
    "35 sa": "ag_lt_35_psychosocial", "35 sa psychosocial": "ag_lt_35_psychosocial",
    "ag 35 sa psychosocial": "ag_lt_35_psychosocial", "psychosocial": "ag_lt_35_psychosocial",
    "retard de croissance intra uterin": "rciu", "malformation majeure": "malformation",
    "malformations": "malformation", "pathologie neurologique": "neurologique",
    "pathologie digestive": "digestive", "pathologie cardiaque": "cardiaque", "toxique": "toxiques",
    "exposition a des toxiques": "toxiques"}


def criteria(cell: str) -> tuple[str, ...]:
    """Codes from "RCIU, < 33 SA" (pieces separated by , / | or +); the file's order, no repeats."""
    found: list[str] = []
    for piece in re.split(r"[,/|+]", cell):
        if piece.strip():
            code = _lookup(_CRITERIA, "criterion_unknown", piece.strip())
            if code not in found:
                found.append(code)
    return tuple(found)


_EXIT = {key(code): code for code in EXIT_REASONS} | {key(label): code for code, label in EXIT_REASONS.items()} | {
    "refus": "refus", "camsp": "relais_camsp", "pco": "relais_pco", "mdph": "relais_mdph", "fin": "fin_parcours",
    "fin du parcours": "fin_parcours", "demenage": "demenagement"}


def exit_reason(cell: str) -> str:
    return _lookup(_EXIT, "exit_reason_unknown", cell)


_RELATIONS = {"mere": "mere", "maman": "mere", "pere": "pere", "papa": "pere", "tuteur": "tuteur",
              "tutrice": "tuteur", "tuteur tutrice": "tuteur"}


def relation(cell: str) -> str:
    """mere, pere, tuteur; anything else is "autre" (the relation is informative, never blocking)."""
    return _RELATIONS.get(key(cell), "autre")


def phone(cell: str) -> str:
    """As written; 9 digits not starting with 0 got their 0 eaten by a spreadsheet: it is put back."""
    return "0" + cell if re.fullmatch(r"[1-9]\d{8}", cell) else text(cell)


def postcode(cell: str) -> str:
    """Same for a département 01–09 postcode that became 4 digits."""
    return "0" + cell if re.fullmatch(r"\d{4}", cell) else text(cell)


_CIVILITY = re.compile(r"^(?:mme|mlle|m|mr|madame|mademoiselle|monsieur)\.?\s+", re.IGNORECASE)


def full_name(cell: str) -> tuple[str, str]:
    """(last, first) from "BERNARD Sarah" / "Sarah BERNARD": the words in capitals are the last name.
    With no such clue the whole cell stays in the last name (no guess)."""
    words = _CIVILITY.sub("", text(cell)).split()
    upper = [w for w in words if w.isupper() and len(w.strip(".-'")) > 1]
    if upper and len(upper) < len(words):
        capitals = set(upper)  # a set: a cell of thousands of words stays linear
        return " ".join(upper), " ".join(w for w in words if w not in capitals)
    return " ".join(words), ""
