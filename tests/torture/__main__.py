"""`python -m tests.torture --runs 200` (or `make torture`): the crash torture, run by hand; every kind of work in
turn (`--kinds write,backup,…` for some: write, backup, restore, passphrase, rekey, erasure, migration)."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from tests.torture.driver import TortureFailure, run
from tests.torture.kinds import ALL_KINDS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.torture", description=__doc__)
    parser.add_argument("--runs", type=int, default=200, help="how many SIGKILLs (default 200)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-delay", type=float, default=2.0, help="longest run before a kill, in seconds")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    parser.add_argument("--kinds", help="comma-separated kinds of work to kill (default: all the program has)")
    args = parser.parse_args(argv)
    only = tuple(args.kinds.split(",")) if args.kinds else None
    unknown = set(only or ()) - set(ALL_KINDS)
    if unknown:
        parser.error(f"unknown kinds: {', '.join(sorted(unknown))} (known: {', '.join(ALL_KINDS)})")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="cocon-torture-"))
    try:
        report = run(folder / "cabinet", args.runs, seed=args.seed, max_delay=args.max_delay, log=True, only=only)
    except TortureFailure as failure:
        print(f"FAILED: {failure} (practice kept in {folder})", file=sys.stderr)
        return 1
    print(report.summary())
    if args.keep is None:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
