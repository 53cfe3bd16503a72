"""The `cocon` command's entry point (`cocon`, `python -m cocon_desktop.cli`): other packages' warnings are
silenced before the command line and its libraries are imported (some warn at import), then `cli.main` runs."""

from __future__ import annotations

import sys

from cocon_desktop import third_party_warnings


def main(argv: list[str] | None = None) -> int:
    third_party_warnings.silence()
    from cocon_desktop.cli.main import main as run_command

    return run_command(argv)


if __name__ == "__main__":
    sys.exit(main())
