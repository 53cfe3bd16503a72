"""The sentences of tariff format 2: its id and pathway, and forfaits paid at milestones (issue 22, S2:
domain/tariffs.py, domain/tariff_milestones.py). Part of message_texts.MESSAGES."""

from __future__ import annotations

TARIFFS: dict[str, str] = {
    "tariff_format_unknown": "Format de fichier de tarifs inconnu : {value} (ce programme lit les formats 1 et 2).",
    "tariff_key_needs_format_2": "Cette clé n'existe qu'au format 2 des tarifs : écrivez format = 2 en tête du "
                                 "fichier.",
    "tariff_id_conflict": "Le tarif porte deux identifiants différents : tariff = {value}, network = {alias}.",
    "tariff_unverified_invalid": "Élément de la liste « unverified » invalide : {value} (un texte de 80 caractères "
                                 "au plus, comme « milestones »).",
    "tariff_unverified_too_many": "La liste « unverified » compte plus de {max} éléments.",
    "tariff_payment_unknown": "Mode de paiement inconnu : {value} (« per_seance » : à la séance ; « milestones » : "
                              "forfait versé par étapes).",
    "tariff_key_milestones_only": "Cette clé ne vaut que pour un forfait versé par étapes (payment = "
                                  "« milestones »).",
    "tariff_price_key_unknown": "Prix inconnu pour un forfait versé par étapes : {value} (seul « package », le "
                                "montant du forfait de cette discipline, peut figurer ici).",
    "tariff_no_milestone": "Ce forfait versé par étapes ne déclare aucune étape de paiement (milestones).",
    "tariff_too_many_milestones": "Ce forfait déclare plus de {max} étapes de paiement.",
    "tariff_milestone_code_invalid": "Code d'étape invalide : {value} (« jalon_ » suivi de minuscules, chiffres "
                                     "ou « _ », 24 caractères au plus, comme « jalon_bilan »).",
    "tariff_milestone_duplicate": "Le code d'étape {value} figure deux fois dans ce forfait.",
    "tariff_milestone_on_unknown": "Déclencheur d'étape inconnu : {value} (« bilan », « interventions » ou "
                                   "« period_end »).",
    "tariff_milestone_requires_unknown": "Pièce exigée inconnue : {value} (seul « bilan_report », le compte rendu "
                                         "de bilan, est prévu).",
    "tariff_milestone_label_invalid": "Libellé d'étape invalide : seul {{discipline}} peut y figurer entre "
                                      "accolades.",
    "tariff_milestone_count_unexpected": "Un nombre d'interventions (count) ne vaut que pour une étape "
                                         "on = « interventions ».",
    "tariff_milestone_count_invalid": "Nombre d'interventions invalide : {value} (un nombre entier de 1 à {max}, le "
                                      "minimum d'interventions du forfait).",
    "tariff_milestone_count_order": "Les étapes doivent suivre l'ordre des interventions : {value} interventions "
                                    "après une étape à {previous}.",
    "tariff_milestone_amount_missing": "Il manque le montant de cette étape (amount), ou amount_rule = "
                                       "« balance » pour le solde du forfait.",
    "tariff_milestone_amount_twice": "Une étape a soit un montant (amount), soit amount_rule = « balance », pas "
                                     "les deux.",
    "tariff_amount_rule_unknown": "Règle de montant inconnue : {value} (seul « balance », le solde du forfait, est "
                                  "prévu).",
    "tariff_balance_twice": "Un seul solde (amount_rule = « balance ») par forfait.",
    "tariff_milestones_sum": "Les étapes totalisent {sum} € alors que le forfait vaut {package} € : la somme des "
                             "étapes doit être égale au forfait.",
    "tariff_milestones_sum_balance": "Les étapes à montant fixe totalisent {sum} € pour un forfait de {package} € : "
                                     "il ne reste rien pour le solde.",
    "tariff_validity_invalid": "Durée de validité invalide : {value} (un nombre entier de mois, de 1 à {max}).",
}
