"""The sentences of the practice's own pathway and tariff files (issue 22: services/pathway_files.py, the folder
`parcours/` of the data folder) and of the payers a pathway's file lists. Part of message_texts.MESSAGES."""

from __future__ import annotations

PATHWAY_FILES: dict[str, str] = {
    "pathway_file_left_out": "{file} n'est pas utilisé.",  # followed by each of its problems
    "pathway_file_unreadable": "Ce fichier ne peut pas être lu : {detail}.",
    "pathway_id_shipped": "Le parcours « {value} » est déjà livré avec le programme : donnez un autre identifiant "
                          "(id) à ce fichier.",
    "pathway_id_taken": "Un autre fichier du dossier décrit déjà le parcours « {value} ».",
    "tariff_id_shipped": "Le tarif « {value} » est déjà livré avec le programme : donnez un autre identifiant "
                         "(tariff) à ce fichier.",
    "tariff_id_taken": "Un autre fichier du dossier décrit déjà le tarif « {value} ».",
    "pathway_tariff_missing": "Ce parcours nomme le tarif « {value} », qui n'existe pas : ajoutez son fichier "
                              "dans {folder}.",
    "pathway_payer_code_taken": "Le code de payeur {value} est déjà celui d'un payeur d'un autre parcours : "
                                "donnez-en un autre (code).",
    "pathway_siret_invalid": "SIRET invalide : {value} (14 chiffres, clé de contrôle comprise).",
    "pathway_payer_unknown": "Ce payeur ({payer}) n'existe pas.",
    "pathway_payer_address_missing": "L'adresse de {payer} manque dans le fichier de son parcours (street, "
                                     "postcode, city) : la facture ne peut pas être établie.",
}
