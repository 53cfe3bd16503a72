"""`cocon-network demo`: the trial network of `make network-demo` (demo.py), from the command line."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    from cocon_network.server import demo

    parser: argparse.ArgumentParser = subparsers.add_parser(
        "demo", help="réseau de démonstration sur SQLite, console sur http://127.0.0.1:8700")
    demo.add_arguments(parser)
    parser.set_defaults(func=demo.run_from_args)
