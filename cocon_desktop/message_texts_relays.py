"""The sentences of « Relais vers une PCO » (issue 22, slice S4: services/relays.py) and of the dashboard's children
in transition (services/dashboard_actions.transition_items). Part of message_texts.MESSAGES."""

from __future__ import annotations

RELAYS: dict[str, str] = {
    "relay_pathway_unknown": "Un enfant du parcours COCON ne peut pas être confié au parcours « {value} ».",
    "relay_pathway_disabled": "Le cabinet ne suit pas le parcours {pathway} : cochez-le dans Paramètres › Parcours "
                              "et payeurs avant le relais.",
    "relay_payer_not_in_pathway": "{payer} n'est pas une plateforme du parcours {pathway} : choisissez-en une de "
                                  "la liste (Paramètres › Parcours et payeurs).",
    "relay_payer_disabled": "La plateforme {payer} est désactivée : réactivez-la dans Paramètres › Parcours et "
                            "payeurs ou choisissez-en une autre.",
    "relay_reference_invalid": "Le n° de dossier compte au plus {max} caractères, sans caractère de contrôle.",
    "relay_before_inclusion": "Le relais doit commencer après l'inclusion dans COCON (le {date}).",
    "relay_exit_before": "L'enfant est déjà sorti du parcours COCON le {date} ({reason}) : pas de relais après "
                         "une sortie.",
    "relay_invoiced_after": "Une séance du {date} ou après est déjà facturée au réseau (facture {invoices}) : "
                            "établissez d'abord un avoir.",
    "relay_no_forfait": "Aucun forfait du parcours {pathway} ne couvre la discipline du cabinet à l'âge de "
                        "l'enfant à cette date.",
    "relay_already": "L'enfant est déjà confié à {payer} depuis le {date}.",
    "relay_missing": "Cet enfant n'a pas de relais vers une PCO à annuler.",
    "relay_invoiced": "Le forfait de la PCO a déjà été facturé (facture {number}) : le relais ne peut plus être "
                      "annulé.",
    "line_relay_transition": "{child} ({inclusion}) : COCON terminé le {ended}, PCO pas encore commencée.",
    "line_relay_waiting": "{child} ({inclusion}) : COCON jusqu'au {ended}, prise en charge par la PCO à partir "
                          "du {starts}.",
}

RELAY_PLURALS: dict[str, str] = {
    "relay_invoiced_after": "Des séances du {date} ou après sont déjà facturées au réseau (factures {invoices}) : "
                            "établissez d'abord des avoirs.",
}
