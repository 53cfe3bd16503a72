"""The sentences of the payers typed in Paramètres (issue 22: domain/payers.py, services/payers.py). Part of
message_texts.MESSAGES."""

from __future__ import annotations

PAYERS: dict[str, str] = {
    "payer_pathway_unknown": "Parcours inconnu : {value}.",
    "payer_pathway_fixed": "Les payeurs du parcours {pathway} sont fixés par son fichier (chaque {noun} y figure) : "
                           "ils ne se saisissent pas ici.",
    "payer_codes_exhausted": "Plus aucun code libre pour un payeur {prefix} : les codes ne sont jamais redonnés.",
    "payer_missing": "Ce payeur ({payer}) n'existe pas.",
    "invoice_payer_choice": "Indiquez soit --network (un réseau COCON), soit --payer (une plateforme : PCO1, "
                            "PCO2…), l'un des deux.",
    "payer_siret_checksum": "Ce SIRET est invalide (chiffre de contrôle) : recopiez-le depuis la convention signée "
                            "avec la plateforme ou l'annuaire des entreprises.",
    "batch_payer_unknown": "Payeur inconnu : {value} (un réseau COCON : RPM, RPO ou RPNA, ou une plateforme "
                           "enregistrée : {payers}).",
    "payer_batch_nothing_to_export": "Aucune facture ni aucun avoir de la plateforme {payer} n'attend d'être mis en "
                                     "lot, et aucun de ses lots n'attend d'être remis.",
}
