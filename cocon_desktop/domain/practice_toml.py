"""The practice file that `cocon init --practice-file` reads (see docs/practice.example.toml): TOML, the profile's
fields at the top or under [practice]. Any damage gives CoconError("practice_file_invalid"), never another error."""

from __future__ import annotations

import tomllib
from datetime import date, datetime, time
from typing import Any

from cocon_desktop.domain.practice import PracticeProfile
from cocon_desktop.errors import CoconError


def _text(value: Any, name: str, path: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):  # a postcode or a SIRET typed unquoted
        if isinstance(value, float) and not value.is_integer():
            raise CoconError("practice_file_invalid", path=path, detail=f"« {name} » n'est pas un texte")
        return str(int(value))
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    raise CoconError("practice_file_invalid", path=path, detail=f"« {name} » n'est pas un texte")


def profile_from_toml(raw: bytes, path: str) -> PracticeProfile:
    """The profile written in the file (not yet validated: create_practice does that, field by field)."""
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise CoconError("practice_file_invalid", path=path, detail="le fichier n'est pas en UTF-8") from exc
    except (tomllib.TOMLDecodeError, RecursionError, OverflowError, ValueError) as exc:
        raise CoconError("practice_file_invalid", path=path, detail=str(exc).split("\n")[0][:200]) from exc
    section = data.get("practice", data)
    if not isinstance(section, dict):
        raise CoconError("practice_file_invalid", path=path, detail="[practice] doit être une table")
    known = set(PracticeProfile.field_names())
    return PracticeProfile(**{k: _text(v, k, path) for k, v in section.items() if k in known})
