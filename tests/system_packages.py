"""The system packages the test suite needs, checked before it runs (standard library only).

`make test` runs this file before it creates the virtual environment, and tests/conftest.py calls `missing()`
when pytest starts, so that a machine without poppler-utils or softhsm2 gets one line naming the packages to
install instead of tracebacks in the middle of the run. The same list is in the README (« Paquets système »)
and in .ci/run, which installs them."""

from __future__ import annotations

import ctypes.util
import importlib.util
import shutil
import sys
from pathlib import Path

# Debian package -> what of it the suite uses (an executable on PATH, a file, or a shared library by name).
REQUIREMENTS: dict[str, tuple[str, ...]] = {
    "poppler-utils": ("bin:pdftotext", "bin:pdffonts", "bin:pdftoppm"),
    "softhsm2": ("bin:softhsm2-util", "file:/usr/lib/softhsm/libsofthsm2.so"),
    "fonts-dejavu-core": ("file:/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",),
    "libegl1": ("lib:EGL",),
    "libgl1": ("lib:GL",),
    "libxkbcommon0": ("lib:xkbcommon",),
    "libfontconfig1": ("lib:fontconfig",),
    "libdbus-1-3": ("lib:dbus-1",),
    "libglib2.0-0": ("lib:glib-2.0",),
    "strace": ("bin:strace",),  # tests/db/test_durability.py: each commit's fsync, seen from the kernel
    # tests/network: the network's server on a real PostgreSQL, its console in a real browser
    "postgresql": ("glob:/usr/lib/postgresql/*/bin/initdb", "glob:/usr/lib/postgresql/*/bin/pg_ctl"),
    "chromium": ("bin:chromium",),
}
LINUX_ONLY = {"softhsm2", "fonts-dejavu-core", "libegl1", "libgl1", "libxkbcommon0", "libfontconfig1",
              "libdbus-1-3", "libglib2.0-0", "strace", "postgresql", "chromium"}


def _present(need: str) -> bool:
    kind, _, name = need.partition(":")
    if kind == "bin":
        return shutil.which(name) is not None
    if kind == "file":
        return Path(name).exists()
    if kind == "glob":
        return any(Path("/").glob(name.lstrip("/")))
    return ctypes.util.find_library(name) is not None


def missing() -> list[str]:
    """The Debian packages that are needed and absent, in the order of REQUIREMENTS."""
    absent = [package for package, needs in REQUIREMENTS.items()
              if (package not in LINUX_ONLY or sys.platform.startswith("linux"))
              and not all(_present(need) for need in needs)]
    if importlib.util.find_spec("ensurepip") is None:  # Debian splits `python3 -m venv` into its own package
        absent.append(f"python3.{sys.version_info.minor}-venv")
    return absent


def message(absent: list[str]) -> str:
    return (f"Paquets système manquants pour les tests : {' '.join(absent)} — installez-les "
            f"(Debian/Ubuntu : sudo apt-get install {' '.join(absent)}), voir le README, « Paquets système ».")


def main(argv: list[str]) -> int:
    """`--names`: print the missing packages' names only (for .ci/run, which installs them); else the message."""
    absent = missing()
    if "--names" in argv:
        print(" ".join(absent))
        return 0
    if absent:
        print(message(absent), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
