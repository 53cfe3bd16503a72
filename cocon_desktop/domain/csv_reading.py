"""Reading a CSV file that a spreadsheet or another program wrote: encoding, separator, records.

Pure: bytes in, text records out. Errors are CoconErrors with a code (messages.py speaks)."""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass

from cocon_desktop.domain import limits
from cocon_desktop.errors import CoconError

# codec name → what the user is told
ENCODING_LABELS = {
    "utf-8-sig": "UTF-8 avec BOM",
    "utf-8": "UTF-8",
    "cp1252": "Windows-1252",
    "utf-16": "UTF-16",
}
SEPARATORS = (";", ",", "\t")
SEPARATOR_LABELS = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}
# Excel's "sep=;" first line names the separator; Excel hides that line when it opens the file
_EXCEL_SEP_LINE = re.compile(r"^\s*sep=(.)\s*$")
# C0 controls other than tab, line feed and carriage return never appear in a spreadsheet's text
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Record:
    """One record as a spreadsheet shows it: `row` counts records (a quoted line break stays in its row)."""

    row: int
    cells: tuple[str, ...]

    @property
    def blank(self) -> bool:
        return not any(self.cells)


@dataclass(frozen=True)
class CsvText:
    encoding: str
    separator: str
    records: tuple[Record, ...]


def decode(raw: bytes) -> tuple[str, str]:
    """(text, codec): UTF-8 with BOM, UTF-16 with BOM, UTF-8, then Windows-1252; binary files refused."""
    if raw.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]  # Excel's "Texte Unicode"
    else:
        if b"\x00" in raw:
            raise CoconError("csv_not_text")
        candidates = ["utf-8", "cp1252"]
    for codec in candidates:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        if _CONTROL.search(text):
            raise CoconError("csv_not_text")
        return text, codec
    raise CoconError("csv_encoding_unknown")


def _outside_quotes(line: str) -> str:
    """The line without its quoted parts (a separator inside "…" does not count)."""
    return re.sub(r'"[^"]*("|$)', "", line)


def sniff_separator(first_line: str) -> str:
    """The separator the header line uses most: `;` (French Excel), `,` or tab; `;` when in doubt."""
    bare = _outside_quotes(first_line)
    counts = {sep: bare.count(sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda sep: counts[sep])  # max keeps the first on a tie: ";"
    return best if counts[best] else ";"


def _cell(text: str) -> str:
    text = text.strip()
    if len(text) >= 3 and text.startswith('="') and text.endswith('"'):  # ="0123": Excel keeping zeros
        text = text[2:-1].strip()
    return text


def megabytes(size: int) -> str:
    """"10,5 Mo": a size as the report says it."""
    return f"{size / 1_000_000:.1f}".replace(".", ",") + " Mo"


def check_size(size: int) -> None:
    """CoconError("csv_too_large") for a file above limits.IMPORT_FILE_BYTES: said before anything is parsed."""
    if size > limits.IMPORT_FILE_BYTES:
        raise CoconError("csv_too_large", size=megabytes(size), max=megabytes(limits.IMPORT_FILE_BYTES))


def read_csv(raw: bytes) -> CsvText:
    """Decode, find the separator, split into records. A file with no text at all is an error, so is one above
    limits.IMPORT_FILE_BYTES (refused before decoding) or with more than limits.IMPORT_ROWS records."""
    check_size(len(raw))
    text, encoding = decode(raw)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    separator = ""
    start = 0
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        match = _EXCEL_SEP_LINE.match(line)
        if match and index == 0 and match[1] in SEPARATORS:
            separator, start = match[1], 1
        break
    body = "\n".join(lines[start:])
    if not body.strip():
        raise CoconError("csv_empty")
    if not separator:
        separator = sniff_separator(next(line for line in lines[start:] if line.strip()))
    records: list[Record] = []
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=separator, strict=False)
    try:
        for number, cells in enumerate(reader, start=1):
            if number > limits.IMPORT_ROWS + 1:  # the header, then the rows
                raise CoconError("csv_too_many_rows", max=f"{limits.IMPORT_ROWS:,}".replace(",", " "))
            records.append(Record(number, tuple(_cell(c) for c in cells)))
    except csv.Error as exc:  # e.g. a cell longer than csv's limit (128 Kio): not a list of children
        raise CoconError("csv_malformed", line=reader.line_num) from exc
    return CsvText(encoding, separator, tuple(records))
