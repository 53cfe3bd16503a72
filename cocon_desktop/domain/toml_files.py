"""Reading a data file written by hand (a tariff, a pathway): its bytes as a TOML table, or the caller's error."""

from __future__ import annotations

import tomllib
from typing import Any

from cocon_desktop.errors import CoconError


def toml_table(raw: bytes, error_code: str) -> dict[str, Any]:
    """The file's table; CoconError(error_code) with the reader's first line when it is not UTF-8 TOML. Never
    another exception (a hostile file may nest, overflow or hold anything)."""
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise CoconError(error_code, detail="le fichier n'est pas en UTF-8") from exc
    except (tomllib.TOMLDecodeError, RecursionError, OverflowError, ValueError) as exc:
        raise CoconError(error_code, detail=str(exc).split("\n")[0][:200]) from exc
