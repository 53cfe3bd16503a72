"""The French sentence of each fault the batch verification finds: the network gives it to the practice as the
reason of a rejection, `cocon verify-batch` prints it. The program's messages.py includes these texts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

FAULT_TEXTS: dict[str, str] = {
    "batch_unreadable": "Ce lot n'a pas pu être vérifié : son contenu est illisible.",
    "batch_not_zip": "Ce fichier n'est pas un lot de facturation : ce n'est pas une archive ZIP complète.",
    "batch_too_large": "Le lot dépasse la taille admise ({limit} une fois décompressé) : il n'a pas été ouvert.",
    "batch_too_many_members": "Le lot contient {count} fichiers, plus que les {limit} admis : il n'a pas été ouvert.",
    "batch_member_name_unsafe": "Le lot contient un fichier au nom dangereux ou invalide : {member}.",
    "batch_member_duplicate": "Le fichier {member} figure deux fois dans le lot.",
    "batch_member_too_large": "Le fichier {member} du lot dépasse la taille admise ({limit} une fois décompressé).",
    "batch_member_unreadable": "Le fichier {member} du lot est illisible (archive endommagée, chiffrée ou "
                               "compressée autrement).",
    "batch_member_missing": "Le fichier {member} manque dans le lot.",
    "batch_member_unexpected": "Le lot contient un fichier que le manifeste ne mentionne pas : {member}.",
    "batch_manifest_not_json": "Le manifeste (manifest.json) n'est pas un objet JSON valide en UTF-8.",
    "batch_format_unsupported": "Ce lot est au format {version}, que ce programme ne sait pas vérifier (format "
                                "{supported} attendu).",
    "batch_manifest_invalid": "Le manifeste ne respecte pas le format des lots ({detail}).",
    "batch_totals_mismatch": "Les totaux du manifeste ne correspondent pas à ses documents ({detail}).",
    "batch_signature_unreadable": "La signature du manifeste (manifest.json.p7s) est illisible ou ne contient pas "
                                  "le certificat du signataire.",
    "batch_signature_invalid": "La signature du manifeste (manifest.json.p7s) ne correspond pas : le manifeste ou "
                               "la signature a été modifié.",
    "batch_signature_untrusted": "Le certificat qui a signé le manifeste ({signer}) n'est pas valable pour signer "
                                 "à cette date.",
    "batch_pdf_hash_mismatch": "Le PDF du document {document} a été modifié : son empreinte SHA-256 diffère de "
                               "celle du manifeste.",
    "batch_pdf_not_signed": "Le PDF du document {document} ne porte pas de signature électronique.",
    "batch_pdf_signature_invalid": "La signature électronique du document {document} est invalide : le PDF a été "
                                   "modifié après sa signature.",
    "batch_pdf_signature_partial": "La signature électronique du document {document} ne couvre pas tout le "
                                   "fichier : du contenu a été ajouté après la signature.",
    "batch_pdf_signer_mismatch": "Le document {document} a été signé par un autre certificat ({signer}) que celui "
                                 "qui a signé le manifeste.",
    "batch_facturx_missing": "Le document {document} ne contient pas de données Factur-X lisibles.",
    "batch_facturx_mismatch": "Les données Factur-X du document {document} ne correspondent pas au manifeste "
                              "({detail}).",
    "batch_csv_hash_mismatch": "Le fichier des actes (actes.csv) a été modifié : son empreinte SHA-256 diffère de "
                               "celle du manifeste.",
    "batch_csv_invalid": "Le fichier des actes (actes.csv) est mal formé à la ligne {row} ({detail}).",
    "batch_csv_mismatch": "Les actes du document {document} dans actes.csv ne correspondent pas au manifeste "
                          "({detail}).",
}


def fault_text(code: str, data: Mapping[str, Any]) -> str:
    """The sentence with its data filled in (the template as it is when the data lacks a field)."""
    template = FAULT_TEXTS.get(code, code)
    try:
        return template.format(**data)
    except (KeyError, IndexError, ValueError):
        return template
