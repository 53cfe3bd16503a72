"""The sentences of tamper evidence (issue 19): `cocon verify`'s faults (its chains, the Factur-X data of signed
PDFs, the triggers) and the numbering's outside witnesses. Part of message_texts.MESSAGES."""

from __future__ import annotations

INTEGRITY: dict[str, str] = {
    # issue 19: verify binds (services/verify_invoices.py, verify_chains.py, invoice_verify.py)
    "trigger_altered": ("Une protection des documents émis a été modifiée dans la base : le déclencheur {name} ne "
                        "fait plus ce qu'il doit."),
    "trigger_unexpected": "Un déclencheur inconnu du programme a été ajouté à la base ({name}).",
    "facturx_missing": ("Le PDF signé du document {number} ne contient pas sa facture électronique (Factur-X) "
                        "lisible : ce n'est pas le PDF émis pour ce document."),
    "facturx_mismatch_number": "Le document {number} porte le PDF signé d'un autre document.",
    "facturx_mismatch_kind": "Le document {number} ne correspond plus à son PDF signé (facture ou avoir).",
    "facturx_mismatch_date": "La date du document {number} ne correspond plus à celle de son PDF signé.",
    "facturx_mismatch_lines": "Les lignes du document {number} ne correspondent plus à celles de son PDF signé.",
    "facturx_mismatch_total": "Le total du document {number} ne correspond plus à celui de son PDF signé.",
    "facturx_mismatch_reference": "L'avoir {number} ne corrige plus la facture nommée dans son PDF signé.",
    "attestation_chain_broken": ("La chaîne des attestations est rompue avant {number} : une attestation a été "
                                 "supprimée ou insérée."),
    "attestation_altered": "L'attestation {number} a été modifiée après sa délivrance.",
    "attestation_pdf_altered": "Le PDF de l'attestation {number} a été modifié après sa délivrance.",
    "attestation_pdf_removed": ("Le PDF de l'attestation {number} a été retiré alors que les données de l'enfant "
                                "n'ont pas été effacées."),
    "attestation_numbering_gap": ("Trou dans la numérotation des attestations : {number} au lieu du numéro "
                                  "{expected} attendu."),
    "attestation_signature_invalid": "La signature de l'attestation {number} n'est plus valide.",
    "attestations_deleted": ("Des attestations ont été supprimées ou réécrites : {expected} attendues, {found} "
                             "trouvées."),
    "audit_chain_broken": ("L'historique des modifications est rompu avant l'entrée n° {id} : une entrée a été "
                           "supprimée ou insérée."),
    "audit_altered": "L'entrée n° {id} de l'historique des modifications a été modifiée après coup.",
    "audit_redaction_unexplained": ("Les valeurs de l'entrée n° {id} de l'historique ont été effacées alors que "
                                    "l'enfant concerné ne l'a pas été."),
    "audit_deleted": ("Des entrées de l'historique des modifications ont été supprimées ou réécrites : {expected} "
                      "attendues, {found} trouvées."),
    # issue 19: witness (the numbering's outside witnesses, services/number_witness.py)
    "numbering_behind_witness": "La base du cabinet est en retard sur sa numérotation : {number} a déjà été émis "
                                "(un témoin extérieur le sait), la base ne l'a pas. Aucun numéro n'a été "
                                "attribué : restaurez la sauvegarde la plus récente, ou confirmez la reprise de "
                                "la numérotation après {number}.",
    "numbering_behind_keychain": "La base est en retard : le trousseau de cet ordinateur sait que {number} a été "
                                 "émis, la base ne contient pas {missing}. Elle a été remplacée par une copie plus "
                                 "ancienne.",
    "numbering_behind_network": "La base est en retard : le réseau a reçu {number}, la base ne contient pas "
                                "{missing}. Elle a été remplacée par une copie plus ancienne.",
    "numbering_behind_both": "La base est en retard : le trousseau de cet ordinateur et le réseau savent que "
                             "{number} a été émis, la base ne contient pas {missing}. Elle a été remplacée par une "
                             "copie plus ancienne.",
    "numbering_way_out": "Restaurez la sauvegarde la plus récente, ou confirmez : « Je confirme : reprendre la "
                         "numérotation après {number} ».",
    "numbering_confirmed_gap": "Numéros sautés confirmés le {date} : {skipped} (la numérotation reprend après le "
                               "témoin).",
    "numbering_confirm_mismatch": "La numérotation n'est à reprendre qu'après {expected}, pas après {number}.",
    "numbering_not_behind": "La base n'est en retard sur aucun témoin : rien à confirmer.",
    "numbering_resumed": "La numérotation de la série {series} reprend après {number} : le prochain numéro sera "
                         "{next}.",
    "restore_behind": "Attention : cette sauvegarde s'arrête avant {number}, déjà émis (un témoin extérieur le "
                      "sait) : il lui manque {missing}. Les numéros émis depuis ne seront pas réattribués.",
    "numbering_in_step": "Numérotation à jour : aucun témoin ne connaît de numéro que la base n'a pas.",
}
