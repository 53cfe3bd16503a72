"""`cocon numbering status` and `cocon numbering confirm NUMERO`: the database against the numbering's outside
witnesses (this computer's keychain, the networks' receipts), and the way out when it is behind them."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from typing import Any

from cocon_desktop import messages
from cocon_desktop.cli.support import Input, add_command, open_practice
from cocon_desktop.services import number_witness

EXIT_BEHIND = 3  # like `cocon verify` when something does not hold
NUMBER = re.compile(r"^(FAC|AV)-\d{4}-\d{4,9}$")


def document_number(text: str) -> str:
    """« FAC-2026-0024 » (any case, spaces around): a usage error (exit 2) for anything else, before any opening."""
    number = text.strip().upper()
    if not NUMBER.match(number):
        raise argparse.ArgumentTypeError("un numéro de facture ou d'avoir est attendu, par exemple FAC-2026-0024")
    return number


def print_way_out(data: dict[str, Any]) -> None:
    """The two ways out of a numbering behind its witness, with the command that confirms."""
    print(messages.text("numbering_way_out", data), file=sys.stderr)
    print(f"  Pour confirmer : cocon numbering confirm {data['number']}", file=sys.stderr)


def print_behind(check: number_witness.NumberingCheck) -> None:
    """Each series behind its witness, and the two ways out, on standard error."""
    for item in check.behind:
        data = number_witness.behind_data(item)
        print(messages.text(number_witness.behind_code(item), data), file=sys.stderr)
        print_way_out(data)


def print_confirmed(gaps: list[dict[str, str]]) -> None:
    """The gaps `cocon verify` accepted because the therapist confirmed them (date, numbers skipped)."""
    for gap in gaps:
        print(messages.text("numbering_confirmed_gap",
                            {**gap, "date": messages.french_date(date.fromisoformat(gap["date"]))}))


def cmd_status(args: argparse.Namespace, secrets: Input) -> int:
    with open_practice(args, secrets) as practice:
        check = practice.read(number_witness.check, practice.keychain_numbers)
    for gap in check.confirmed:
        print(messages.text("numbering_confirmed_gap", {"date": messages.french_date(gap.confirmed_at.date()),
                                                        "skipped": gap.skipped}))
    if check.behind:
        print_behind(check)
        return EXIT_BEHIND
    print(messages.text("numbering_in_step"))
    return 0


def cmd_confirm(args: argparse.Namespace, secrets: Input) -> int:
    with open_practice(args, secrets) as practice:
        gap = practice.write(number_witness.confirm_resume, args.number).value
    print(messages.text("numbering_resumed", {
        "series": gap.series, "number": number_witness.number_text(gap.series, gap.resumed_after),
        "next": number_witness.number_text(gap.series, gap.resumed_after + 1)}))
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("numbering", help="la numérotation des factures et ses témoins",
                           description="La numérotation des factures et des avoirs face à ses témoins extérieurs "
                                       "(le trousseau de cet ordinateur, les accusés de réception des réseaux).")
    inner = group.add_subparsers(dest="numbering_command", required=True, metavar="ACTION")
    add_command(inner, "status", "dire si la base est en retard sur un témoin de la numérotation", cmd_status)
    confirm = add_command(inner, "confirm", "confirmer que la numérotation reprend après le numéro d'un témoin "
                                            "(« Je confirme : reprendre la numérotation après NUMERO »)", cmd_confirm)
    confirm.add_argument("number", metavar="NUMERO", type=document_number,
                         help="le dernier numéro connu du témoin, par exemple FAC-2026-0024")
