"""argparse in French: `cocon --help` and `cocon-desktop --help` say « utilisation : », never « usage: ».

argparse asks the standard library's gettext for its words (« usage: », « show this help message and exit », its
errors); no French catalogue ships with Python, so `FrenchArgumentParser` answers with these while it builds its
help and its errors. Standard library only: both entries import it before anything heavy."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

WORDS: dict[str, str] = {
    "usage: ": "utilisation : ",
    "positional arguments": "arguments",
    "options": "options",
    "show this help message and exit": "affiche cette aide et quitte",
    "show program's version number and exit": "affiche la version du programme et quitte",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "ambiguous option: %(option)s could match %(matches)s": "option ambiguë : %(option)s peut être %(matches)s",
    "expected one argument": "une valeur attendue",
    "expected at least one argument": "au moins une valeur attendue",
    "expected at most one argument": "au plus une valeur attendue",
    "ignored explicit argument %r": "valeur %r ignorée",
    "invalid %(type)s value: %(value)r": "valeur invalide (%(type)s) : %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix invalide : %(value)r (au choix : %(choices)s)",
    "not allowed with argument %s": "incompatible avec l'argument %s",
    "one of the arguments %s is required": "l'un des arguments %s est obligatoire",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "unexpected option string: %s": "option inattendue : %s",
    "unknown parser %(parser_name)r (choices: %(choices)s)":
        "commande inconnue %(parser_name)r (au choix : %(choices)s)",
    "can't open '%(filename)s': %(error)s": "impossible d'ouvrir « %(filename)s » : %(error)s",
}
PLURALS: dict[str, tuple[str, str]] = {
    "expected %s argument": ("%s valeur attendue", "%s valeurs attendues"),
}


def french(text: str) -> str:
    return WORDS.get(text, text)


def french_plural(singular: str, plural: str, count: int) -> str:
    forms = PLURALS.get(singular)
    if forms is None:
        return singular if count == 1 else plural
    return forms[0] if count < 2 else forms[1]  # French: 0 and 1 take the singular


@contextmanager
def _french_words() -> Iterator[None]:
    module: Any = argparse
    saved: tuple[Callable[[str], str], Callable[[str, str, int], str]] = (module._, module.ngettext)
    module._, module.ngettext = french, french_plural
    try:
        yield
    finally:
        module._, module.ngettext = saved


class FrenchArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose own words (titles, help of -h/--version, usage, errors) are French."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", argparse.HelpFormatter)
        with _french_words():
            super().__init__(*args, **kwargs)
        self._optionals.title = french("options")

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        if kwargs.get("action") == "version":
            kwargs.setdefault("help", french("show program's version number and exit"))
        with _french_words():
            return super().add_argument(*args, **kwargs)

    def add_subparsers(self, **kwargs: Any) -> Any:
        kwargs.setdefault("parser_class", FrenchArgumentParser)
        with _french_words():
            return super().add_subparsers(**kwargs)

    def format_usage(self) -> str:
        with _french_words():
            return super().format_usage()

    def format_help(self) -> str:
        with _french_words():
            return super().format_help()

    def parse_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                   namespace: argparse.Namespace | None = None) -> argparse.Namespace:
        with _french_words():
            return super().parse_args(args, namespace)

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None) -> tuple[argparse.Namespace, list[str]]:
        with _french_words():
            return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        """One line, as every error of `cocon` (issue 19 #6): what is wrong and where the help is, exit 2; argparse
        printed its whole usage first, a block of lines around the one that matters."""
        with _french_words():
            line = french("%(prog)s: error: %(message)s\n") % {
                "prog": self.prog, "message": f"{message} ; l'aide : {self.prog} --help."}
            self.exit(2, line)
