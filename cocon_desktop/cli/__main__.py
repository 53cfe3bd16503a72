"""The `cocon` command's entry point (`cocon`, `python -m cocon_desktop.cli`): core dumps are turned off first
(core_dumps.py), then other packages' warnings are silenced before the command line and its libraries are
imported (some warn at import), then `cli.main` runs."""

from __future__ import annotations

import sys

from cocon_desktop import core_dumps, third_party_warnings


def main(argv: list[str] | None = None) -> int:
    core_dumps.disable()  # first: no core file of this process, whatever happens next (issue 19, #12)
    third_party_warnings.silence()
    from cocon_desktop.cli.main import main as run_command

    return run_command(argv)


if __name__ == "__main__":
    sys.exit(main())
