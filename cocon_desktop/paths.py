"""Where things live. Computed in functions: importing this module touches nothing on disk."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "cocon-desktop"
APP_AUTHOR = "COCON"


def default_data_dir() -> Path:
    """The practice's data folder when no --data-dir is given."""
    env = os.environ.get("COCON_DATA_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs  # here: 5–15 ms, and --data-dir or the demo do not need it

    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR, roaming=True))


def resources_dir() -> Path:
    """The shipped resources (fonts, translations, tariffs): beside the package, or inside a bundle."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "resources", here / "resources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("resources")


def fonts_dir() -> Path:
    return resources_dir() / "fonts"
