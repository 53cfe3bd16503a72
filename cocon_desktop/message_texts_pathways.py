"""The sentences of the pathway files (issue 22: domain/pathways.py, services/pathway_store.py). Part of
message_texts.MESSAGES."""

from __future__ import annotations

PATHWAYS: dict[str, str] = {
    "pathways_unknown": "Parcours inconnu : {names}. Les parcours connus : {known}.",
    "pathway_file_invalid": "Ce fichier de parcours n'est pas un fichier TOML lisible : {detail}.",
    "pathway_format_unknown": "Format de fichier de parcours inconnu : {value} (ce programme lit le format 1).",
    "pathway_id_invalid": "Identifiant de parcours invalide : {value} (2 à 20 caractères : minuscules, chiffres "
                          "ou tirets, comme « cocon » ou « pco-tnd »).",
    "pathway_id_duplicate": "Deux fichiers de parcours portent l'identifiant {value}.",
    "pathway_text_expected": "Un texte entre guillemets est attendu ici.",
    "pathway_bool_expected": "Une valeur true (oui) ou false (non) est attendue ici.",
    "pathway_payer_mode_unknown": "Mode de payeur inconnu : {value} (« fixed » : payeurs listés dans le fichier ; "
                                  "« configured » : payeurs saisis dans Paramètres).",
    "pathway_payer_code_invalid": "Code de payeur invalide : {value} (2 à 8 majuscules ou chiffres, comme « RPM »).",
    "pathway_payer_duplicate": "Le code de payeur {value} figure deux fois dans ce parcours.",
    "pathway_no_payer": "Ce parcours ne déclare aucun payeur.",
    "pathway_tariff_invalid": "Identifiant de tarif invalide : {value} (2 à 8 majuscules, chiffres ou tirets, comme "
                              "« RPM » ou « PCO-TND »).",
    "pathway_code_prefix_invalid": "Préfixe de code invalide : {value} (2 à 6 majuscules, comme « PCO » : les "
                                   "payeurs seront PCO1, PCO2…).",
    "pathway_batch_prefix_invalid": "Préfixe de lot invalide : {value} (2 à 20 lettres, chiffres ou tirets).",
    "pathway_no_discipline": "Ce parcours ne déclare aucune discipline.",
    "pathway_document_unknown": "Document attendu inconnu : {value} (invoice, bilan_report ou attendance_sheet).",
    "pathway_template_invalid": "Modèle de texte invalide près de {value} : seuls {allowed} peuvent y figurer entre "
                                "accolades.",
    "pathway_pattern_invalid": "Expression régulière invalide : {value}.",
    "pathways_none": "Choisissez au moins un parcours : le cabinet en suit toujours un.",
    "demo_pathways": "La démonstration propose « cocon » ou « cocon,pco-tnd » (en petite taille seulement), pas "
                     "« {value} ».",
    "line_milestones_to_invoice": "{network} : {count} versements {of_month} restent à facturer.",
    "line_milestones_to_invoice_1": "{network} : 1 versement {of_month} reste à facturer.",
    "line_batch_not_exported": "Lot {network} du {created} ({count} documents, {total}) : pas encore exporté pour "
                               "la plateforme.",
    "line_batch_not_exported_1": "Lot {network} du {created} (1 document, {total}) : pas encore exporté pour la "
                                 "plateforme.",
    "line_batch_exported_payer": "Lot {network} du {created} ({count} documents, {total}) : exporté, à remettre à "
                                 "la plateforme.",
    "line_batch_exported_payer_1": "Lot {network} du {created} (1 document, {total}) : exporté, à remettre à la "
                                   "plateforme.",
}
