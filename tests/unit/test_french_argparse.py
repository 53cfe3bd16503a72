"""`cocon --help` and `cocon-desktop --help` speak French (issue 18, #13): argparse's own words are translated."""

from __future__ import annotations

import pytest

from cocon_desktop.__main__ import parse_args
from cocon_desktop.cli.main import build_parser

ENGLISH = ("usage:", "show this help message and exit", "positional arguments", "error:", "invalid choice",
           "version number")


def test_cocon_help_is_french(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(["--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("utilisation : cocon ")
    assert "affiche cette aide et quitte" in out
    assert "affiche la version du programme et quitte" in out
    assert not [word for word in ENGLISH if word in out]


def test_a_subcommand_help_and_its_errors_are_french(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["children", "list", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("utilisation : cocon children list")
    assert "affiche cette aide et quitte" in out
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(["children", "lst"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "cocon children : erreur : argument ACTION : choix invalide : 'lst'" in err
    with pytest.raises(SystemExit):
        build_parser().parse_args([])
    assert "arguments obligatoires manquants : COMMANDE" in capsys.readouterr().err
    assert not [word for word in ENGLISH if word in err]


def test_cocon_desktop_help_is_french(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--help"])
    out = capsys.readouterr().out
    assert out.startswith("utilisation : cocon-desktop ")
    assert "affiche cette aide et quitte" in out
    with pytest.raises(SystemExit):
        parse_args(["--bogus"])
    assert "cocon-desktop : erreur : arguments non reconnus : --bogus" in capsys.readouterr().err


def test_argparse_is_left_english_for_others() -> None:
    import argparse

    build_parser().format_help()
    assert "usage: " in argparse.ArgumentParser(prog="other").format_help()
