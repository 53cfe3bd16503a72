"""Pathways are data: who pays, for which disciplines, with which words (resources/pathways/*.toml, format 1).

A pathway file describes a care pathway (COCON, the PCO-TND forfait précoce…): its payers, its disciplines, the
documents its payer expects and the texts of its invoices and attestations. Amounts are not here: they stay in
the tariff files, which a pathway names (`tariff`). Parsing is pure: a decoded table (or the file's bytes) in, a
`Pathway` or a `ValidationError` naming every problem out (docs/pathways.md)."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Any

from cocon_desktop.domain.disciplines import DISCIPLINES
from cocon_desktop.domain.identifiers import check_siret
from cocon_desktop.domain.toml_files import toml_table
from cocon_desktop.errors import FieldError, ValidationError

FORMAT = 1
DEFAULT_PATHWAYS = "cocon"  # the pathways a practice works with until it chooses (setting `pathways`)
PAYER_MODES = ("fixed", "configured")  # listed in the file / one row per payer, typed in Paramètres
DOCUMENTS = ("invoice", "bilan_report", "attendance_sheet")  # what a payer may expect with an invoice
ID_PATTERN = re.compile(r"[a-z0-9-]{2,20}")  # the pathway's id (a column: String(20))
PAYER_CODE = re.compile(r"[A-Z0-9]{2,8}")  # a payer code is stored where network codes are (String(8))
TARIFF_ID = re.compile(r"[A-Z0-9][A-Z0-9-]{1,7}")  # "RPM", "PCO-TND": tariff_override.network is String(8)
CODE_PREFIX = re.compile(r"[A-Z]{2,6}")  # configured payers get PCO1, PCO2…: the code stays within 8 characters
SIRET = re.compile(r"\d{14}")  # a fixed payer's SIRET, as its invoices carry it (BT-47)
BATCH_PREFIX = re.compile(r"[A-Za-z0-9-]{2,20}")  # the start of a batch file's name
# the placeholders each template may hold; any other is refused when the file is read, never when a PDF is drawn
OBJECT_FIELDS = ("what", "frame", "start", "end")
OPENING_FIELDS = ("frame", "payer")
MAX_TEXT = 300  # characters of any text of the file
MAX_PATTERN = 200


@dataclass(frozen=True)
class FixedPayer:
    """A payer listed in the pathway file (COCON's networks)."""

    code: str
    name: str
    region: str
    coordination_tool: str
    tariff: str  # the id of its tariff file (resources/tariffs/<id>.toml)
    # where its invoices go, for a payer outside COCON (COCON's networks: an address setting, Paramètres › Réseaux)
    street: str = ""
    postcode: str = ""
    city: str = ""
    siret: str = ""  # BT-47 of its invoices, 14 digits or ""
    reference: str = ""  # the convention's number (BT-10), or ""

    @property
    def has_address(self) -> bool:
        return bool(self.street.strip() and self.postcode.strip() and self.city.strip())


@dataclass(frozen=True)
class Payers:
    mode: str  # "fixed" or "configured"
    label: str  # the noun the UI uses: « réseau », « plateforme »
    fixed: tuple[FixedPayer, ...] = ()
    code_prefix: str = ""  # configured mode: codes PCO1, PCO2… (never reused)
    tariff: str = ""  # configured mode: the tariff every payer of the pathway shares

    def codes(self) -> tuple[str, ...]:
        return tuple(payer.code for payer in self.fixed)


@dataclass(frozen=True)
class InvoiceTexts:
    object_template: str  # « {what} réalisés dans le cadre du {frame}, du {start} au {end}. »
    line_frame: str  # ends each Factur-X line's description: « parcours COCON »
    keywords: str  # the last of the PDF's keywords
    what: str = "Soins"  # {what} of the object on an invoice
    credit_what: str = "Annulation ou correction de soins"  # {what} on a credit note


@dataclass(frozen=True)
class AttestationTexts:
    opening_template: str  # « dans le cadre du {frame}, coordonné par le {payer} »
    mention: str  # the financing mention, after « Accompagnement »
    child_reference: str  # before the child's number: « n° d'inclusion COCON »


@dataclass(frozen=True)
class Pathway:
    id: str
    label: str
    frame: str  # the « parcours … » phrase the texts use
    sources: tuple[str, ...]
    reference_label: str  # the child's number with this payer: « N° d'inclusion »
    reference_pattern: str  # a regular expression the number must match, "" when free
    sync: bool  # batches can be sent to the payer's server; False: exported only
    batch_prefix: str
    documents: tuple[str, ...]
    relays: tuple[str, ...]  # pathways a child may be handed over to from this one
    payers: Payers
    disciplines: dict[str, str]  # code → label, in the file's order
    invoice: InvoiceTexts
    attestation: AttestationTexts
    relay_from: tuple[str, ...] = ()  # pathways whose children may be handed over to this one (this file says so)

    def invoice_object(self, what: str, start: str, end: str) -> str:
        """The invoice's object (after « Objet : »); `start` and `end` are already written as dates."""
        return self.invoice.object_template.format(what=what, frame=self.frame, start=start, end=end)

    def attestation_opening(self, payer: str) -> str:
        """The attestation's « dans le cadre du … » clause, with the payer's name."""
        return self.attestation.opening_template.format(frame=self.frame, payer=payer)


def chosen_ids(value: str, known: tuple[str, ...]) -> tuple[str, ...]:
    """The pathways a practice works with, from its setting ("cocon,pco-tnd"): the known ids it names, in the
    order of `known`; the default when it names none (a practice always works with at least one pathway)."""
    named = {part.strip().lower() for part in value.split(",")}
    ids = tuple(pathway for pathway in known if pathway in named)
    if ids or value == DEFAULT_PATHWAYS:
        return ids
    return chosen_ids(DEFAULT_PATHWAYS, known)


def _shown(value: Any) -> str:
    """A value as a message may quote it: short, and never an error (an integer of 5,000 digits cannot be
    written by str())."""
    try:
        return str(value)[:40]
    except (ValueError, RecursionError):
        return "…"


def _table(value: Any, where: str, errors: list[FieldError]) -> dict[str, Any]:
    """A TOML table, or {} with an error (the same sentences as the tariff files'; a missing table is required)."""
    if isinstance(value, dict):
        return value
    errors.append(FieldError(where, "required" if value is None else "tariff_table_expected"))
    return {}


def _array(value: Any, where: str, errors: list[FieldError]) -> list[Any]:
    if isinstance(value, list):
        return value
    errors.append(FieldError(where, "tariff_list_expected"))
    return []


def _text(data: dict[str, Any], key: str, where: str, errors: list[FieldError], *, required: bool = True,
          limit: int = MAX_TEXT) -> str:
    """The text at `key`: required (not blank) unless said, at most `limit` characters."""
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        errors.append(FieldError(where, "required" if value is None else "pathway_text_expected"))
        return ""
    if required and not value.strip():
        errors.append(FieldError(where, "required"))
    elif len(value) > limit:
        errors.append(FieldError(where, "too_long", {"max": limit}))
    return value


def _matching(data: dict[str, Any], key: str, where: str, pattern: re.Pattern[str], code: str,
              errors: list[FieldError], *, required: bool = True) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not pattern.fullmatch(value):
        errors.append(FieldError(where, "required" if value is None else code, {"value": _shown(value)}))
        return ""
    return value


def _texts(data: dict[str, Any], key: str, where: str, errors: list[FieldError]) -> tuple[str, ...]:
    """A list of texts (optional: an absent key is an empty list)."""
    items = _array(data.get(key, []), where, errors)
    for index, item in enumerate(items):
        if not isinstance(item, str):
            errors.append(FieldError(f"{where}[{index}]", "pathway_text_expected"))
        elif len(item) > MAX_TEXT:
            errors.append(FieldError(f"{where}[{index}]", "too_long", {"max": MAX_TEXT}))
    return tuple(item for item in items if isinstance(item, str))


def _template(data: dict[str, Any], key: str, where: str, allowed: tuple[str, ...],
              errors: list[FieldError]) -> str:
    """A text whose {placeholders} are among `allowed` (no format spec, no conversion, balanced braces)."""
    value = _text(data, key, where, errors)
    names = ", ".join(f"{{{name}}}" for name in allowed)
    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(value)
                  if name is not None]
    except ValueError:  # a lone « { » or « } »
        errors.append(FieldError(where, "pathway_template_invalid", {"value": "{ }", "allowed": names}))
        return ""
    for name, spec, conversion in fields:
        if name not in allowed or spec or conversion:
            errors.append(FieldError(where, "pathway_template_invalid", {"value": f"{{{name}}}"[:40],
                                                                         "allowed": names}))
            return ""
    return value


def _pattern(data: dict[str, Any], where: str, errors: list[FieldError]) -> str:
    value = _text(data, "reference_pattern", where, errors, required=False, limit=MAX_PATTERN)
    try:
        re.compile(value)
    except (re.error, RecursionError, OverflowError, ValueError):
        errors.append(FieldError(where, "pathway_pattern_invalid", {"value": value[:40]}))
        return ""
    return value


def _fixed_payer(data: Any, where: str, errors: list[FieldError]) -> FixedPayer:
    data = _table(data, where, errors)
    optional = {key: _text(data, key, f"{where}.{key}", errors, required=False)
                for key in ("region", "coordination_tool", "street", "postcode", "city", "reference")}
    siret = _matching(data, "siret", f"{where}.siret", SIRET, "pathway_siret_invalid", errors, required=False)
    if siret and check_siret(siret):
        errors.append(FieldError(f"{where}.siret", "pathway_siret_invalid", {"value": siret}))
        siret = ""
    return FixedPayer(
        code=_matching(data, "code", f"{where}.code", PAYER_CODE, "pathway_payer_code_invalid", errors),
        name=_text(data, "name", f"{where}.name", errors),
        tariff=_matching(data, "tariff", f"{where}.tariff", TARIFF_ID, "pathway_tariff_invalid", errors),
        siret=siret, **optional,
    )


def _payers(data: Any, errors: list[FieldError]) -> Payers:
    data = _table(data, "payers", errors)
    mode = data.get("mode")
    if mode not in PAYER_MODES:
        errors.append(FieldError("payers.mode", "required" if mode is None else "pathway_payer_mode_unknown",
                                 {"value": _shown(mode)}))
    label = _text(data, "label", "payers.label", errors, limit=40)
    if mode == "configured":
        return Payers(mode="configured", label=label,
                      code_prefix=_matching(data, "code_prefix", "payers.code_prefix", CODE_PREFIX,
                                            "pathway_code_prefix_invalid", errors),
                      tariff=_matching(data, "tariff", "payers.tariff", TARIFF_ID, "pathway_tariff_invalid",
                                       errors))
    items = data.get("fixed", [])
    if mode == "fixed" and items == []:
        errors.append(FieldError("payers.fixed", "pathway_no_payer"))
    fixed = tuple(_fixed_payer(item, f"payers.fixed[{i}]", errors)
                  for i, item in enumerate(_array(items, "payers.fixed", errors)))
    seen: set[str] = set()
    for index, payer in enumerate(fixed):
        if payer.code and payer.code in seen:
            errors.append(FieldError(f"payers.fixed[{index}].code", "pathway_payer_duplicate",
                                     {"value": payer.code}))
        seen.add(payer.code)
    return Payers(mode="fixed", label=label, fixed=fixed)


def _disciplines(value: Any, errors: list[FieldError]) -> dict[str, str]:
    data = _table(value, "disciplines", errors)
    if value == {}:
        errors.append(FieldError("disciplines", "pathway_no_discipline"))
    labels: dict[str, str] = {}
    for code in data:
        if code not in DISCIPLINES:
            errors.append(FieldError("disciplines", "discipline_unknown", {"value": _shown(code)}))
        labels[str(code)] = _text(data, code, f"disciplines.{_shown(code)}", errors, limit=80)
    return labels


def _documents(data: dict[str, Any], errors: list[FieldError]) -> tuple[str, ...]:
    documents = _texts(data, "documents", "documents", errors) if "documents" in data else ("invoice",)
    for document in documents:
        if document not in DOCUMENTS:
            errors.append(FieldError("documents", "pathway_document_unknown", {"value": document[:40]}))
    return documents


def _relays(data: dict[str, Any], own_id: str, errors: list[FieldError], key: str = "relays") -> tuple[str, ...]:
    """`relays` (the pathways this one hands children over to) or `relay_from` (those handing children to it)."""
    relays = _texts(data, key, key, errors)
    for relay in relays:
        if not ID_PATTERN.fullmatch(relay) or relay == own_id:
            errors.append(FieldError(key, "pathway_id_invalid", {"value": relay[:40]}))
    return relays


def _format(data: dict[str, Any], errors: list[FieldError]) -> None:
    value = data.get("format")
    if value is None:
        errors.append(FieldError("format", "required"))
    elif not isinstance(value, int) or isinstance(value, bool) or value != FORMAT:
        errors.append(FieldError("format", "pathway_format_unknown", {"value": _shown(value)}))


def _sync(data: dict[str, Any], errors: list[FieldError]) -> bool:
    value = data.get("sync", False)
    if not isinstance(value, bool):
        errors.append(FieldError("sync", "pathway_bool_expected"))
        return False
    return value


def parse_pathway(data: Any) -> Pathway:
    """A pathway from its decoded TOML; ValidationError names every problem (never another error)."""
    errors: list[FieldError] = []
    data = _table(data, "pathway", errors)
    _format(data, errors)
    pathway_id = _matching(data, "id", "id", ID_PATTERN, "pathway_id_invalid", errors)
    invoice = _table(data.get("invoice"), "invoice", errors)
    attestation = _table(data.get("attestation"), "attestation", errors)
    pathway = Pathway(
        id=pathway_id,
        label=_text(data, "label", "label", errors, limit=40),
        frame=_text(data, "frame", "frame", errors),
        sources=_texts(data, "sources", "sources", errors),
        reference_label=_text(data, "reference_label", "reference_label", errors, limit=40),
        reference_pattern=_pattern(data, "reference_pattern", errors),
        sync=_sync(data, errors),
        batch_prefix=_matching(data, "batch_prefix", "batch_prefix", BATCH_PREFIX, "pathway_batch_prefix_invalid",
                               errors),
        documents=_documents(data, errors),
        relays=_relays(data, pathway_id, errors),
        relay_from=_relays(data, pathway_id, errors, "relay_from"),
        payers=_payers(data.get("payers"), errors),
        disciplines=_disciplines(data.get("disciplines"), errors),
        invoice=InvoiceTexts(
            object_template=_template(invoice, "object", "invoice.object", OBJECT_FIELDS, errors),
            line_frame=_text(invoice, "line_frame", "invoice.line_frame", errors),
            keywords=_text(invoice, "keywords", "invoice.keywords", errors, limit=80),
            what=_text(invoice, "what", "invoice.what", errors, required=False, limit=80) or "Soins",
            credit_what=_text(invoice, "credit_what", "invoice.credit_what", errors, required=False, limit=80)
            or "Annulation ou correction de soins",
        ),
        attestation=AttestationTexts(
            opening_template=_template(attestation, "opening", "attestation.opening", OPENING_FIELDS, errors),
            mention=_text(attestation, "mention", "attestation.mention", errors),
            child_reference=_text(attestation, "child_reference", "attestation.child_reference", errors,
                                  limit=80),
        ),
    )
    if errors:
        raise ValidationError(errors)
    return pathway


def load_pathway_toml(raw: bytes) -> Pathway:
    """A pathway file's bytes → the pathway; CoconError("pathway_file_invalid") when it is not readable TOML,
    ValidationError when its content is wrong. Never another exception."""
    return parse_pathway(toml_table(raw, "pathway_file_invalid"))
