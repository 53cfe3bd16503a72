"""`cocon pathways` and `cocon payer add|list` (issue 22): the pathways a practice works with (COCON, PCO-TND) and
the platforms of a pathway whose payers are configured (one per PCO), from the shell — until Paramètres has them."""

from __future__ import annotations

import argparse
import sys

from cocon_desktop.cli.support import Input, add_command, open_practice
from cocon_desktop.domain.payers import PayerData
from cocon_desktop.errors import CoconError, ValidationError
from cocon_desktop.services import pathway_files, payers
from cocon_desktop.services.pathway_store import checked_ids, enabled_pathways, set_enabled_pathways


def cmd_pathways(args: argparse.Namespace, secrets: Input) -> int:
    named: tuple[str, ...] = ()
    known = pathway_files.pathways_at(args.data_dir)  # shipped, and the practice's own (its folder parcours/)
    for problem in pathway_files.problems_at(args.data_dir):  # a file of parcours/ left out: said, never fatal
        print(pathway_files.problem_text(problem), file=sys.stderr)
    if args.set is not None:  # checked before the passphrase is asked
        try:
            named = checked_ids(args.set.split(","), known)
        except ValidationError as error:  # one sentence, without the field's name (none given: « — »)
            said = {"names": "—", "known": ", ".join(known), **error.errors[0].data}
            raise CoconError("pathways_unknown", **said) from None
    with open_practice(args, secrets) as practice:
        chosen = (practice.write(set_enabled_pathways, named).value if args.set is not None
                  else practice.read(enabled_pathways))
    for pathway in chosen:
        print(f"{pathway.id}  {pathway.label}")
    return 0


def cmd_payer_add(args: argparse.Namespace, secrets: Input) -> int:
    data = PayerData(name=args.name, street=args.street, postcode=args.postcode, city=args.city,
                     siret=args.siret or "", reference=args.reference or "")
    with open_practice(args, secrets) as practice:
        record = practice.write(payers.add_payer, args.pathway, data).value
    print(f"{record.code}  {record.name} ({record.postcode} {record.city}) : plateforme ajoutée au parcours "
          f"{record.pathway}.")
    return 0


def cmd_payer_list(args: argparse.Namespace, secrets: Input) -> int:
    with open_practice(args, secrets) as practice:
        rows = practice.read(payers.list_payers)
    for row in rows:
        state = "" if row.active else "  (désactivée)"
        print(f"{row.code}  {row.pathway}  {row.name}, {row.street}, {row.postcode} {row.city}{state}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    chosen = add_command(sub, "pathways", "les parcours suivis par le cabinet (COCON, PCO-TND)", cmd_pathways)
    chosen.add_argument("--set", metavar="cocon,pco-tnd", help="choisir les parcours (séparés par des virgules)")
    group = sub.add_parser("payer", help="les plateformes qui paient un parcours (une par PCO)",
                           description="Les plateformes qui paient un parcours (une par PCO).")
    inner = group.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = add_command(inner, "add", "ajouter une plateforme (son code PCO1, PCO2… est donné ici)", cmd_payer_add)
    add.add_argument("--pathway", default="pco-tnd", metavar="PARCOURS", help="le parcours (par défaut : pco-tnd)")
    add.add_argument("--name", required=True, metavar="NOM",
                     help="nom de la plateforme, tel qu'il figurera sur les factures")
    add.add_argument("--street", required=True, metavar="ADRESSE", help="adresse (numéro et voie)")
    add.add_argument("--postcode", required=True, metavar="CODE", help="code postal")
    add.add_argument("--city", required=True, metavar="COMMUNE", help="commune")
    add.add_argument("--siret", metavar="SIRET", help="SIRET de la structure porteuse (14 chiffres)")
    add.add_argument("--reference", metavar="N°", help="numéro de la convention signée avec la plateforme")
    add_command(inner, "list", "les plateformes enregistrées", cmd_payer_list)
