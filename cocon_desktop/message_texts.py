"""The French sentences of the core's codes, in one place: errors and dashboard lines (MESSAGES), their plural
forms (PLURALS), the names of the fields (FIELD_LABELS). `messages.py` fills and picks them."""

from __future__ import annotations

from cocon_desktop.message_texts_integrity import INTEGRITY
from cocon_desktop.message_texts_network import DECISION_PLURALS, DECISIONS
from cocon_desktop.message_texts_pathway_files import PATHWAY_FILES
from cocon_desktop.message_texts_pathways import PATHWAYS
from cocon_desktop.message_texts_payers import PAYERS
from cocon_desktop.message_texts_relays import RELAY_PLURALS, RELAYS
from cocon_desktop.message_texts_tariffs import TARIFFS
from cocon_exchange.fault_texts import FAULT_TEXTS

MESSAGES: dict[str, str] = {
    # vault
    "vault_missing": "Aucun cabinet n'a été trouvé dans le dossier {path}.",
    "vault_exists": "Le dossier {path} contient déjà un cabinet : il n'a pas été modifié.",
    "vault_file_corrupted": "Le fichier des clés du cabinet (vault.json) est endommagé ou a été modifié : "
                            "rien n'a été écrit. Restaurez une sauvegarde de ce dossier.",
    "vault_too_new": "Ce cabinet a été créé par une version plus récente de COCON Desktop (format {version}).",
    "vault_mismatch": "La clé ne correspond pas à ce cabinet.",
    "wrong_passphrase": "Phrase de passe incorrecte.",
    "wrong_recovery_key": "Cette clé de secours n'ouvre pas ce cabinet.",
    "recovery_key_malformed": "Une clé de secours compte {expected} caractères (sans les tirets) ; "
                              "vous en avez saisi {length}.",
    "recovery_key_typo": "La clé de secours contient une faute de frappe : vérifiez chaque groupe.",
    "unlock_throttled": "Trop d'essais manqués : patientez encore {seconds} s avant de réessayer.",
    "passphrase_too_weak": "Phrase de passe trop faible (environ {bits} bits, il en faut 80) : au moins "
                           "12 caractères mêlant minuscules, majuscules, chiffres et symboles, 14 caractères "
                           "de trois de ces sortes, ou une phrase de 7 mots, sans mot de passe courant, suite "
                           "ni motif de clavier.",
    # issue 19: keys (key rotation, vault.json's HMAC, Argon2 caps)
    "kdf_too_costly": "Ce fichier demande un calcul de clé démesuré ({time_cost} passes sur {memory_mib} Mio ; "
                      "au plus {max_time_cost} passes et {max_memory_mib} Mio) : il est refusé, rien n'a été "
                      "calculé ni écrit.",
    "vault_file_tampered": "Le fichier des clés du cabinet (vault.json) a été modifié en dehors de COCON Desktop "
                           "(son sceau ne correspond plus) : il est refusé et rien n'a été ouvert. Restaurez une "
                           "sauvegarde de ce dossier.",
    "recovery_key_needed": "La clé de secours actuelle n'est pas connue de ce fichier : une nouvelle est "
                           "nécessaire.",
    "rotation_interrupted": "Le changement de phrase de passe a été interrompu avant d'aboutir : ouvrez le "
                            "cabinet avec l'ANCIENNE phrase de passe (ou la clé de secours), puis recommencez.",
    "rotation_needs_verify": "Les documents émis ne correspondent pas à leur ancre (chain-head.json) : la "
                             "vérification d'intégrité dira ce qui a changé. La clé n'a pas été changée.",
    "practice_busy": "Le cabinet est ouvert ailleurs (une autre fenêtre ou une commande cocon) : fermez-la, puis "
                     "recommencez. Rien n'a été changé.",
    "rekey_check_failed": "La copie rechiffrée de la base n'a pas passé la vérification ({detail}) : la base "
                          "est restée sous l'ancienne clé, rien n'a été changé.",
    "passphrase_mismatch": "Les deux saisies de la phrase de passe sont différentes.",
    "passphrase_empty": "Saisissez la phrase de passe.",
    "keychain_none": "Aucun trousseau du système n'est disponible sur cet ordinateur "
                     "(GNOME Keyring, KWallet, trousseau macOS ou gestionnaire Windows).",
    "keychain_plaintext": "Le seul trousseau disponible enregistre les secrets en clair : il n'est pas utilisé.",
    "keychain_failed": "Le trousseau du système a refusé d'enregistrer la clé.",
    "keychain_ok": "La clé sera gardée dans le trousseau du système de cet ordinateur.",
    # database
    "database_unreadable": "La base de données {path} ne peut pas être lue : clé incorrecte ou fichier "
                           "endommagé.",
    "database_missing": "La base de données {path} est introuvable : aucune base vide n'a été créée à sa "
                        "place. Restaurez une sauvegarde de ce dossier.",
    "database_key_mismatch": "La base de données ne s'ouvre pas avec la clé de ce cabinet : fichier "
                             "endommagé ou remplacé. Rien n'a été modifié.",
    "practice_closed": "Le cabinet est verrouillé : déverrouillez-le pour reprendre.",
    "foreign_key_check_failed": "La mise à jour de la base a laissé {count} référence cassée (table {table}) : "
                                "elle a été annulée.",
    "database_error": "La base de données a refusé l'opération ({kind}) : disque plein, fichier verrouillé par "
                      "un autre programme ou endommagé. Rien n'a été écrit à moitié.",
    "practice_missing": "Le profil du cabinet est absent de la base de données.",
    "validation_failed": "{count} champ à corriger.",
    "practice_file_invalid": "Le fichier {path} n'est pas un fichier TOML lisible : {detail}.",
    "file_missing": "Le fichier {path} est introuvable.",
    "stdin_empty": "Rien n'a été lu sur l'entrée standard.",
    # fields
    "required": "Champ obligatoire.",
    "choice_invalid": "Choix inconnu.",
    "rpps_or_adeli_required": "Indiquez votre numéro RPPS ou, à défaut, ADELI.",
    "rpps_length": "Le numéro RPPS compte 11 chiffres.",
    "rpps_luhn_warning": "Ce numéro RPPS ne passe pas le contrôle habituel (Luhn) : vérifiez-le.",
    "adeli_format": "Le numéro ADELI compte 9 caractères.",
    "siret_length": "Le SIRET compte 14 chiffres.",
    "siret_checksum": "Ce SIRET est invalide (chiffre de contrôle) : vérifiez-le sur votre avis de situation.",
    "siren_invalid": "Ce SIREN est invalide.",
    "network_siret_length": "Le SIREN compte 9 chiffres, le SIRET 14.",
    "network_siret_invalid": "Ce SIREN ou SIRET est invalide (chiffre de contrôle) : recopiez-le depuis la "
                             "convention du réseau.",
    "nir_length": "Le NIR compte 13 caractères suivis d'une clé de 2 chiffres.",
    "nir_key": "La clé de ce NIR ne correspond pas au numéro.",
    "iban_invalid": "Cet IBAN est invalide (clé de contrôle) : recopiez-le depuis votre RIB.",
    "bic_invalid": "Ce BIC est invalide (8 ou 11 caractères).",
    "email_invalid": "Adresse électronique invalide.",
    "phone_invalid": "Numéro de téléphone invalide (10 chiffres, ou +33…).",
    "postcode_invalid": "Le code postal compte 5 chiffres.",
    "date_invalid": "Date invalide : {value}.",
    "date_in_future": "Cette date est dans le futur.",
    "date_before_birth": "Cette date précède la naissance de l'enfant.",
    "born_before_pathway_warning": "Enfant né avant le 1er septembre 2022, date d'ouverture du parcours COCON : "
                                   "vérifiez la date.",
    "gestational_age_range": "Le terme de naissance doit être compris entre {min} et {max} semaines "
                             "d'aménorrhée.",
    "gestational_days_range": "Les jours du terme vont de 0 à 6.",
    "birth_weight_range": "Le poids de naissance s'exprime en grammes (entre 300 et 6 000).",
    "exit_reason_required": "Indiquez le motif de sortie du parcours.",
    "identity_qualified_needs_source": "Une identité n'est « qualifiée » qu'après vérification par le "
                                       "téléservice INSi : indiquez la source et la date de la vérification.",
    "inclusion_number_taken": "Ce numéro d'inclusion est déjà attribué à un autre enfant.",
    "duplicate_child": "Un enfant de mêmes nom, prénom et date de naissance existe déjà.",
    "child_missing": "Cet enfant n'existe plus dans la base.",
    "child_not_found": "Aucun enfant n'a le numéro d'inclusion {inclusion}.",
    "prescriber_not_found": "Aucun médecin de l'annuaire n'a le RPPS {rpps}.",
    "forfait_none": "Aucun forfait du réseau {network} ne couvre cet âge et cette discipline à cette date.",
    "prescriber_missing": "Ce médecin n'existe plus dans l'annuaire.",
    "prescription_missing": "Cette prescription n'existe plus.",
    "document_missing": "Ce document n'existe plus.",
    "sessions_positive": "Le nombre de séances accordées doit être d'au moins 1.",
    "end_before_start": "La fin de validité précède son début.",
    "sessions_above_maximum": "{count} séances, c'est plus que le maximum de {max} (deux fois les {seances} "
                              "séances du forfait) : vérifiez le nombre sur l'ordonnance.",
    "sessions_above_forfait": "{count} séances, au-delà des {seances} séances du forfait : le motif indiqué "
                              "sera gardé avec la prescription.",
    "sessions_above_forfait_ask": "{count} séances, au-delà des {seances} séances du forfait : indiquez le motif "
                                  "du dépassement ci-dessous.",
    "over_forfait_reason_required": "{count} séances dépassent les {seances} séances du forfait : indiquez le "
                                    "motif du dépassement (au plus {max} séances).",
    "reason_too_long": "Le motif est limité à {max} caractères.",
    "prescription_field_locked": "Des séances sont déjà comptées sur cette prescription : seules la fin de "
                                 "validité et la note peuvent encore changer.",
    "end_before_last_seance": "Une séance du {date} est comptée sur cette prescription : la fin de validité "
                              "ne peut pas la précéder.",
    "prescription_in_use": "{count} séance est comptée sur cette prescription : elle ne peut plus être "
                           "supprimée (vous pouvez encore modifier sa fin de validité et sa note).",
    "forfait_unknown": "Ce forfait n'existe pas dans les tarifs du réseau {network} à cette date.",
    "discipline_not_in_forfait": "Cette discipline n'est pas couverte par le {forfait}.",
    "discipline_unknown": "Discipline inconnue : {value}.",
    "scan_too_large": "Le document dépasse {mb} Mo : numérisez-le en résolution plus faible.",
    "scan_type_invalid": "Seuls les fichiers PDF, PNG, JPEG, TIFF et WebP sont acceptés.",
    "amount_invalid": "Montant invalide : {value} (en euros, deux décimales au plus).",
    "tariff_field_missing": "Il manque l'âge minimal, l'âge maximal ou le nombre de séances de ce forfait.",
    "tariff_range_invalid": "Tranche d'âge ou nombre de séances incohérent.",
    "tariff_no_forfait": "Cette version des tarifs ne contient aucun forfait.",
    "tariff_no_version": "Ce fichier de tarifs ne contient aucune version.",
    "time_invalid": "Heure invalide : {value} (par exemple 09:30).",
    "out_of_forfait_cli": "{reason} Pour l'enregistrer sans la facturer au réseau, ajoutez --hors-forfait.",
    "recurrence_range": "Une série compte de 1 à 104 rendez-vous.",
    "appointment_missing": "Ce rendez-vous n'existe plus.",
    "appointment_done": "Ce rendez-vous est déjà pointé : annulez le pointage avant de le déplacer.",
    "series_all_holidays": "Chaque jour de cette série est férié : cochez « Inclure les jours fériés » ou "
                           "choisissez un autre jour.",
    "duration_range": "La durée d'une séance va de 5 minutes à 8 heures.",
    "seance_after_exit": "L'enfant est sorti du parcours le {exit} : pas de séance après cette date.",
    "note_too_long": "La note est limitée à 2 000 caractères.",
    "seance_overlap": "Cet enfant a déjà une séance qui se chevauche avec celle-ci (à {at}).",
    "seance_missing": "Cette séance n'existe plus.",
    "no_tariff_on_day": "Aucun tarif du réseau n'est en vigueur à cette date : la séance ne peut pas être facturée.",
    "kind_not_billable": "Ce type de séance n'est pas facturable au réseau (RCP, ou absence non prise en charge "
                         "par les tarifs du réseau).",
    "no_valid_prescription": "Aucune prescription valide à cette date pour cet enfant dans votre discipline.",
    "bilan_already_used": "Le bilan de la prescription en cours a déjà été réalisé, ou n'est pas inclus.",
    "forfait_exhausted": "Toutes les séances accordées par la prescription en cours ont été réalisées.",
    "invoice_run_cancelled": "Émission annulée : aucune facture n'a été émise, aucun numéro n'a été consommé.",
    "invoice_run_numbering_moved": ("La numérotation a changé pendant l'émission ({expected} attendu, {number} "
                                    "trouvé) : aucune facture n'a été émise ; relancez l'émission."),
    "invoice_not_found": "Aucune facture ne porte le numéro {number}.",
    "invoice_line_unknown": "La facture {number} n'a pas de ligne {lines}.",
    "nothing_to_credit": "Toutes les lignes demandées de la facture {number} ont déjà été annulées par un avoir.",
    "seance_invoiced": "Cette séance figure sur une facture émise : pour la corriger, émettez d'abord un avoir.",
    "triggers_missing": ("Une protection des documents émis (factures, lots, attestations, historique) a été "
                         "retirée de la base (déclencheur {name} absent)."),
    "chain_broken": "La chaîne des documents est rompue avant {number} : un document a été supprimé ou inséré.",
    "pdf_altered": "Le PDF du document {number} a été modifié après son émission.",
    "document_altered": "Le document {number} ou ses lignes ont été modifiés après l'émission.",
    "total_mismatch": "Le total du document {number} ne correspond plus à ses lignes.",
    "numbering_gap": "Trou dans la numérotation : {number} au lieu du numéro {expected} attendu.",
    "signature_invalid": "La signature du document {number} n'est plus valide.",
    "documents_unreadable": "Des documents émis ont été réécrits à la main et ne se lisent plus.",
    "payment_before_issue": "Un paiement ne peut pas précéder l'émission de la facture.",
    "payment_exceeds_due": "Ce montant dépasse ce qui reste dû sur la facture ({due} €).",
    "network_address_missing": "L'adresse du réseau {network} n'est pas renseignée : elle doit figurer sur la "
                               "facture (Paramètres › Réseaux).",
    "signing_key_unavailable": "La clé de signature du cabinet n'est pas disponible.",
    "pkcs12_invalid": "Ce fichier n'est pas un certificat utilisable (.p12 ou .pfx contenant un certificat et sa "
                      "clé privée).",
    "pkcs12_wrong_password": "Mot de passe incorrect pour ce fichier de certificat.",
    "certificate_expired": "Ce certificat a expiré le {not_after:%d/%m/%Y} : il ne peut plus signer de factures.",
    "pkcs11_pin_required": "Le code PIN de la carte ou du jeton de signature est nécessaire pour signer (il n'est "
                           "jamais enregistré).",
    "pkcs11_wrong_pin": "Code PIN incorrect pour la carte ou le jeton de signature.",
    "pkcs11_pin_locked": "Le code PIN de la carte ou du jeton de signature est bloqué : débloquez-le avec l'outil "
                         "de son fournisseur.",
    "pkcs11_unavailable": "La carte ou le jeton de signature n'est pas accessible : {detail}.",
    "pkcs11_certificate_changed": "Le certificat de la carte ou du jeton a changé depuis son enregistrement : "
                                  "il doit être enregistré de nouveau avant de signer.",
    "anchor_altered": "Le fichier de contrôle chain-head.json a été modifié.",
    "anchor_missing": "Le fichier de contrôle chain-head.json est absent alors que des documents existent.",
    "documents_deleted": "Des documents ont été supprimés : {expected} attendus, {found} trouvés.",
    # batches for the networks (services/batches.py, outbox.py, network_endpoints.py)
    "batch_empty": "Aucune facture ni aucun avoir n'attend d'être envoyé au réseau {network}.",
    "batch_nothing_to_export": "Aucune facture ni aucun avoir n'attend d'être envoyé au réseau {network}, et "
                               "aucun lot de ce réseau n'attend d'accusé de réception.",
    "batch_changed": "Des documents du réseau {network} ont été émis ou mis en lot pendant la préparation : "
                     "aucun lot n'a été créé, recommencez.",
    "batch_not_found": "Ce lot n'existe pas (n° {id}).",
    "batch_status_unknown": "État de lot inconnu renvoyé par le réseau : {status}.",
    "batch_self_check_failed": "Le lot du réseau {network} ne passerait pas la vérification que fera le réseau : "
                               "{detail} Aucun lot n'a été créé.",
    "endpoint_url_invalid": "Adresse de réception invalide : {url} (https://…, sans identifiant ni mot de passe ; "
                            "http:// seulement vers cet ordinateur).",
    "server_ca_invalid": "Ce fichier ne contient aucun certificat PEM lisible ({detail}) : choisissez le "
                         "certificat du serveur remis par le réseau.",
    # forfait warnings
    "few_sessions_left": "Plus que {count} séance sur ce forfait.",
    "exhausted": "Forfait épuisé : toutes les séances accordées ont été réalisées.",
    "ends_soon": "Fin de validité le {on} (dans {count} jour).",
    "expired": "Forfait terminé le {on}.",
    "leaves_age_band": "L'enfant sort de la tranche d'âge de ce forfait le {on}.",
    "leaves_pathway": "L'enfant atteint la limite d'âge du parcours le {on}.",
    "left_age_band": "L'enfant est sorti de la tranche d'âge de ce forfait le {on}.",
    "left_pathway": "L'enfant a atteint la limite d'âge du parcours le {on}.",
    "no_tariff": "Aucun tarif du réseau ne correspond à ce forfait à cette date.",
    # import of children from a CSV file
    "csv_empty": "Le fichier est vide : aucune ligne à importer.",
    "csv_not_text": "Ce fichier n'est pas un fichier texte CSV : dans le tableur, enregistrez la liste au format "
                    "« CSV (séparateur : point-virgule) ».",
    "csv_encoding_unknown": "Le codage des caractères de ce fichier n'est pas reconnu (ni UTF-8 ni Windows-1252) : "
                            "enregistrez-le au format « CSV UTF-8 ».",
    "csv_malformed": "Le fichier CSV est mal formé vers la ligne {line} (guillemet non refermé ou cellule "
                     "démesurée).",
    "csv_row_too_long": "Cette ligne compte {count} cellules et l'en-tête {expected} seulement : un séparateur "
                        "en trop (dans une cellule sans guillemets) décale les colonnes.",
    "sex_unknown": "Sexe non reconnu : {value} (F ou M, Fille ou Garçon, 2 ou 1).",
    "gestational_age_invalid": "Terme illisible : {value} (en semaines d'aménorrhée, et jours après un + : "
                               "28 ou 28+3).",
    "gestational_age_ambiguous": "Terme ambigu : {value} (28,5 semaines, ou 28 semaines et 5 jours ?) : écrivez "
                                 "les jours après un +, par exemple 28+3.",
    "birth_weight_invalid": "Poids de naissance illisible : {value} (en grammes, 1200, ou en kilogrammes, "
                            "1,2 kg).",
    "network_unknown": "Réseau inconnu : {value} (RPM, RPO ou RPNA, ou la région : PACA, Occitanie, "
                       "Nouvelle-Aquitaine).",
    "risk_group_unknown": "Groupe de risque inconnu : {value} (haut ou modéré).",
    "criterion_unknown": "Critère d'inclusion inconnu : {value}.",
    "exit_reason_unknown": "Motif de sortie inconnu : {value} (refus, déménagement, fin de parcours, relais "
                           "CAMSP, PCO ou MDPH).",
    "duplicate_in_file_inclusion": "Ce numéro d'inclusion figure déjà ligne {row} du fichier.",
    "duplicate_in_file_child": "Cet enfant (mêmes nom, prénom et date de naissance) figure déjà ligne {row} "
                               "du fichier.",
    "guardian_name_from_child_warning": "Absent du fichier : le nom de l'enfant a été repris, à corriger au "
                                        "besoin.",
    "import_field_unknown": "Champ d'import inconnu : {field}.",
    "import_field_twice": "Deux colonnes sont associées au champ « {field} » : n'en gardez qu'une.",
    "import_columns_missing": "Colonnes introuvables dans l'en-tête : {fields}. Aucune ligne ne peut être "
                              "importée sans elles.",
    "import_failed": "L'écriture dans la base a échoué : aucun enfant n'a été importé.",
    **FAULT_TEXTS,  # verification of a batch file (cocon_exchange/batch_checks.py, `cocon verify-batch`)
    # sync with the network (sync/client.py, services/sync_run.py)
    "send_transient": "Envoi impossible pour l'instant ({detail}) : le lot reste en attente et sera renvoyé.",
    "send_auth_rejected": "Le réseau refuse le jeton d'accès ({detail}) : vérifiez-le dans Paramètres › Réseaux.",
    "batch_rejected": "Le réseau a rejeté le lot, motif : « {reason} ».",
    "batch_id_invalid": "Numéro de lot invalide : {batch_id}.",
    "sync_no_endpoint": "Aucune adresse de réception pour le réseau {network} : le lot attend. Donnez-la dans "
                        "Paramètres › Réseaux, ou exportez le lot pour le remettre au réseau.",
    "send_server_ca_unreadable": "Envoi impossible pour l'instant (certificat du serveur enregistré illisible : "
                                 "{detail}) : le lot reste en attente et sera renvoyé.",
    "network_reason": "{reason}",  # VERBATIM: a rejection, in the network's own words
    # issue 19: network (the networks' numbering witness, signer pinning, verify-batch)
    "sync_network_ahead": "Le réseau ({networks}) détient déjà {number}, mais la base du cabinet s'arrête à {last} : "
                          "elle a été remplacée par une copie plus ancienne. Ne facturez pas avant d'avoir "
                          "restauré la sauvegarde la plus récente (ou confirmé la reprise de la numérotation) : "
                          "ces numéros sont déjà au réseau.",
    "batch_signer_mismatch": "Le lot est signé par le certificat {fingerprint} ({subject}), pas par celui "
                             "attendu ({expected}) : lot refusé.",
    "expect_cert_invalid": "La valeur de --expect-cert ({value}) n'est ni une empreinte SHA-256 (64 chiffres "
                           "hexadécimaux) ni un fichier de certificat PEM lisible.",
    "batch_file_too_large": "Le fichier {path} dépasse {limit} : ce n'est pas un lot (rien n'a été lu en entier).",
    "batch_file_not_regular": "{path} n'est pas un fichier ordinaire : un lot est un fichier .zip.",
    "outbox_sentence": "{sentence}",  # VERBATIM: an outbox error an earlier version stored as a sentence
    # the dashboard's lines (services/dashboard_actions.py, written by line_text); a `_N` variant is the wording
    # for a count of N
    "line_exhausted": "{child} ({inclusion}) : le forfait {of_discipline} est épuisé, une nouvelle prescription est "
                      "nécessaire.",
    "line_few_sessions_left": "{child} ({inclusion}) : plus que {count} séances sur le forfait {of_discipline}.",
    "line_few_sessions_left_1": "{child} ({inclusion}) : plus qu'une séance sur le forfait {of_discipline}.",
    "line_ends_soon": "{child} ({inclusion}) : le forfait {of_discipline} prend fin le {on} (dans {count} jours).",
    "line_ends_soon_1": "{child} ({inclusion}) : le forfait {of_discipline} prend fin le {on} (dans 1 jour).",
    "line_ends_soon_0": "{child} ({inclusion}) : le forfait {of_discipline} prend fin aujourd'hui.",
    "line_left_age_band": "{child} ({inclusion}) : a quitté la tranche d'âge du forfait {of_discipline} le {on}.",
    "line_leaves_age_band": "{child} ({inclusion}) : quitte la tranche d'âge du forfait {of_discipline} le {on}.",
    "line_left_pathway": "{child} ({inclusion}) : a atteint la limite d'âge du parcours le {on}.",
    "line_leaves_pathway": "{child} ({inclusion}) : atteint la limite d'âge du parcours le {on}.",
    "line_seances_to_invoice": "{network} : {count} séances {of_month} restent à facturer.",
    "line_seances_to_invoice_1": "{network} : 1 séance {of_month} reste à facturer.",
    "line_invoice_overdue": "Facture {number} ({network}, {total}) : {left} impayés, échue depuis le {due} ({count} "
                            "jours).",
    "line_invoice_overdue_1": "Facture {number} ({network}, {total}) : {left} impayés, échue depuis le {due} (1 jour).",
    "line_batch_rejected": "Lot {network} du {created} rejeté par le réseau (« {reason} ») : {count} documents à "
                           "corriger et à renvoyer.",
    "line_batch_rejected_1": "Lot {network} du {created} rejeté par le réseau (« {reason} ») : 1 document à corriger "
                             "et à renvoyer.",
    "line_batch_not_sent": "Lot {network} du {created} ({count} documents, {total}) : pas encore envoyé au réseau.",
    "line_batch_not_sent_1": "Lot {network} du {created} (1 document, {total}) : pas encore envoyé au réseau.",
    "line_batch_exported": "Lot {network} du {created} ({count} documents, {total}) : exporté, à remettre au réseau.",
    "line_batch_exported_1": "Lot {network} du {created} (1 document, {total}) : exporté, à remettre au réseau.",
    "line_batch_send_failed": "Lot {network} du {created} ({count} documents, {total}) : l'envoi a échoué.",
    "line_batch_send_failed_1": "Lot {network} du {created} (1 document, {total}) : l'envoi a échoué.",
    "line_documents_waiting": "{network} : {count} documents émis attendent d'être mis dans un lot.",
    "line_documents_waiting_1": "{network} : 1 document émis attend d'être mis dans un lot.",
    "line_attestations_due": "{count} enfants ont eu des soins en {month_words} sans attestation de séances.",
    "line_attestations_due_1": "1 enfant a eu des soins en {month_words} sans attestation de séances.",
    "line_annual_attestations_due": "Attestations annuelles {year} à établir : {count} enfants ont eu des soins dans "
                                    "l'année.",
    "line_annual_attestations_due_1": "Attestations annuelles {year} à établir : 1 enfant a eu des soins dans l'année.",
    # attestations for the families
    "period_invalid": "Illisible : « {value} » ; écrivez par exemple 2026-01..2026-06, un mois (2026-03) ou une "
                      "année (2026).",
    "period_reversed": "La fin précède le début : {value}.",
    "period_not_one_year": "Une attestation annuelle couvre une seule année civile.",
    "attestation_no_seance": "Aucune séance à attester pour l'enfant {inclusion} du {first} au {last}.",
    "attestation_no_prescription": "Aucune prescription en {discipline} pour l'enfant {inclusion} entre le {first} "
                                   "et le {last} : rien à attester.",
    "attestation_already_issued": "Déjà émise le {date} : {number} ; réimprimez son duplicata plutôt que d'utiliser "
                                  "un nouveau numéro pour les mêmes soins.",
    "attestation_not_found": "Aucune attestation ne porte le numéro {number}.",
    "attestation_usage": "Indiquez l'enfant (--child) et le fichier à écrire (-o FICHIER.pdf), ou --all avec -o "
                         "FICHIER.pdf ou --out-dir DOSSIER, ou --reprint NUMERO -o FICHIER.pdf, ou --list.",
    "attestation_image_only": "Code PIN non fourni : l'attestation porte l'image de la signature, sans la "
                              "signature électronique de la carte.",
    "attestation_unsigned": "Ni signature électronique ni image de signature : signez l'attestation à la main "
                            "après l'impression.",
    "signature_image_invalid": "Ce fichier n'est pas une image PNG ou JPEG lisible.",
    "signature_image_too_large": "L'image dépasse {mb} Mo : recadrez-la ou numérisez-la en résolution plus faible.",
    # accountant's exports and activity report (cli/reports.py)
    "journal_format_unknown": "Le livre-journal s'écrit en CSV ou en PDF : le fichier {path} doit finir par .csv "
                              "ou .pdf.",
    "year_invalid": "Année invalide : {value} (quatre chiffres, par exemple 2026).",
    # issue 20: FEC export (services/fec_export.py, cli/reports.py)
    "fec_siren_missing": "Le FEC est nommé d'après le SIREN : saisissez le SIRET du cabinet dans Paramètres › "
                         "Cabinet. Rien n'a été écrit.",
    "fec_output_not_folder": "Avec --fec, -o donne le dossier où écrire le FEC : {path} n'est pas un dossier. "
                             "Rien n'a été écrit.",
    "fec_account_invalid": "Numéro de compte invalide : {value} (3 à 20 chiffres ou lettres, par exemple 706).",
    # issue 20: calendar export (cli/agenda.py)
    "calendar_range_too_long": "Un export de calendrier couvre au plus {max} jours : du {first} au {last}, il y en "
                               "a {days}. Rien n'a été écrit.",
    "calendar_file_unreadable": "Ce fichier n'est pas un calendrier lisible (.ics, RFC 5545) : exportez-le de "
                                "nouveau depuis l'agenda d'origine. Rien n'a été importé.",
    # privacy: a child's file exported or erased (services/child_export.py, child_erasure.py)
    "child_erased": "Les données de l'enfant {inclusion} ont été effacées : son dossier ne peut plus être modifié.",
    "retention_not_over": "Le dossier de l'enfant {inclusion} doit être conservé jusqu'au {date} (dernière activité "
                          "le {last}) : rien n'a été effacé.",
    "attestation_erased": "L'attestation {number} n'est plus conservée : les données de l'enfant ont été "
                          "effacées à la fin de la durée de conservation (son numéro reste au registre).",
    "tariff_table_expected": "Une table TOML (des lignes « clé = valeur ») est attendue ici.",
    "tariff_list_expected": "Une liste TOML est attendue ici.",
    "tariff_file_invalid": "Ce fichier de tarifs n'est pas un fichier TOML lisible : {detail}.",
    "erase_needs_confirm": "L'effacement est définitif : relancez la commande avec --confirm pour effacer les "
                           "données de l'enfant {inclusion}.",
    # backups
    "backup_folder_missing": "Le dossier {path} est introuvable : branchez la clé USB ou le disque, puis réessayez.",
    "backup_source_damaged": "La base du cabinet est endommagée ({detail}) : aucune sauvegarde n'a été écrite. "
                             "Gardez les sauvegardes précédentes.",
    "backup_not_a_backup": "Le fichier {path} n'est pas une sauvegarde de COCON Desktop : rien n'a été restauré.",
    "backup_corrupted": "La sauvegarde {path} est endommagée (somme de contrôle fausse ou fichier tronqué) : "
                        "rien n'a été restauré. Essayez une autre sauvegarde.",
    "backup_tampered": "La sauvegarde {path} a été modifiée depuis qu'elle a été écrite, ou sa base ne correspond "
                       "pas à ce qu'elle annonce : rien n'a été restauré.",
    "backup_too_new": "Cette sauvegarde vient d'une version plus récente de COCON Desktop (format {version}) : "
                      "mettez le programme à jour pour la restaurer.",
    "backup_other_vault": "La sauvegarde {path} appartient à un autre cabinet.",
    "restore_target_not_empty": "Le dossier {path} n'est pas vide : une sauvegarde se restaure dans un dossier "
                                "nouveau, jamais par-dessus un cabinet existant. Rien n'a été modifié.",
    # issue 19: input (limits, the command line's bad input, notes never on a command line)
    "too_long": "Trop long : {max} caractères au plus.",
    "csv_too_large": "Le fichier pèse {size} : une liste d'enfants à importer en pèse {max} au plus. Rien n'a été "
                     "lu ni importé.",
    "csv_too_many_rows": "Le fichier compte plus de {max} lignes : importez la liste en plusieurs fichiers. Rien "
                         "n'a été importé.",
    "note_on_command_line": "Le texte de {option} ne se donne pas dans la ligne de commande : ce sont des données "
                            "de santé, qui resteraient dans l'historique du terminal et seraient lisibles par les "
                            "autres programmes de l'ordinateur (/proc/…/cmdline). Donnez-le avec {option}-stdin "
                            "(sur l'entrée standard) ou {option}-file FICHIER. Rien n'a été enregistré.",
    "note_stdin_empty": "Aucun texte n'a été lu sur l'entrée standard ({option}-stdin) : rien n'a été enregistré.",
    "cli_unexpected_error": "Erreur inattendue ({kind}, {place}) : la commande s'est arrêtée. Signalez cette "
                            "erreur.",
    "input_ended": "Saisie interrompue (fin de l'entrée) : rien n'a été fait.",
    "stdin_twice": "Un seul texte peut venir de l'entrée standard : donnez l'autre avec {option}-file FICHIER.",
    "stdin_too_large": "L'entrée standard dépasse {max} caractères : rien n'a été lu.",
    "argument_not_utf8": "L'argument n° {index} de la commande n'est pas un texte UTF-8 : rien n'a été fait.",
    "argument_control_characters": "L'argument n° {index} de la commande contient des caractères de contrôle "
                                   "(tabulation, saut de ligne, séquence d'échappement) : rien n'a été fait.",
    "input_not_a_file": "{path} n'est pas un fichier ordinaire (dossier, périphérique ou tube) : rien n'a été lu.",
    "input_too_large": "Le fichier {path} est trop gros ({size} octets ; {max} au plus ici) : rien n'a été lu.",
    "input_not_text": "Le fichier {path} n'est pas un texte UTF-8 : rien n'a été lu.",
    "output_is_a_folder": "{path} est un dossier : donnez le nom du fichier à écrire. Rien n'a été fait.",
    "output_not_a_file": "{path} existe et n'est pas un fichier ordinaire (périphérique, tube) : il n'est pas "
                         "remplacé. Rien n'a été fait.",
    "output_parent_not_a_folder": "{path} ne peut pas être écrit : {parent} n'est pas un dossier. Rien n'a été "
                                  "fait.",
    "output_not_writable": "Le dossier {path} n'est pas accessible en écriture : rien n'a été fait.",
    "output_not_a_folder": "{path} existe et n'est pas un dossier : rien n'a été fait.",
    "number_out_of_range": "{value} est hors des limites ({min} à {max}).",
    "text_has_control_characters": "Ce texte contient des caractères de contrôle : il n'a pas été enregistré.",
    **INTEGRITY,  # issue 19: verify and the numbering's witnesses (message_texts_integrity.py)
    **DECISIONS,  # issue 21: the network's decisions on single documents (message_texts_network.py)
    **PATHWAYS,  # issue 22: the pathway files (message_texts_pathways.py)
    **PATHWAY_FILES,  # issue 22: the practice's own pathway files (message_texts_pathway_files.py)
    **TARIFFS,  # issue 22: tariff format 2, milestone payments (message_texts_tariffs.py)
    **PAYERS,  # issue 22: the payers typed in Paramètres (message_texts_payers.py)
    **RELAYS,  # issue 22: « Relais vers une PCO » (message_texts_relays.py)
}

# A sentence with a {count} has its singular in MESSAGES (French: 0 and 1) and its plural here; `template` picks
PLURALS: dict[str, str] = {
    "foreign_key_check_failed": "La mise à jour de la base a laissé {count} références cassées (table {table}) : "
                                "elle a été annulée.",
    "validation_failed": "{count} champs à corriger.",
    "few_sessions_left": "Plus que {count} séances sur ce forfait.",
    "ends_soon": "Fin de validité le {on} (dans {count} jours).",
    "prescription_in_use": "{count} séances sont comptées sur cette prescription : elle ne peut plus être "
                           "supprimée (vous pouvez encore modifier sa fin de validité et sa note).",
    **DECISION_PLURALS,  # issue 21
    **RELAY_PLURALS,  # issue 22
}

VERBATIM = frozenset({"network_reason", "outbox_sentence"})  # their text is someone else's words, given as it is

FIELD_LABELS: dict[str, str] = {
    "over_forfait_reason": "Motif du dépassement",
    "civility": "Civilité",
    "name": "Nom et prénom", "trade_name": "Nom du cabinet", "profession": "Profession", "rpps": "RPPS",
    "adeli": "ADELI", "siret": "SIRET", "address": "Adresse", "postcode": "Code postal", "city": "Ville",
    "phone": "Téléphone", "email": "Courriel", "iban": "IBAN", "bic": "BIC", "network": "Réseau", "payer": "Payeur",
    "last_name": "Nom", "first_name": "Prénom", "birth_date": "Date de naissance", "sex": "Sexe",
    "gestational_weeks": "Terme (SA)", "birth_weight_g": "Poids de naissance", "inclusion_number": "N° d'inclusion",
    "inclusion_date": "Date d'inclusion", "risk_group": "Groupe de risque", "inclusion_criteria": "Critères",
    "nir": "NIR", "identity_status": "Statut de l'identité", "consent_date": "Date du consentement",
    "exit_date": "Date de sortie", "exit_reason": "Motif de sortie", "discipline": "Discipline",
    "forfait_kind": "Forfait", "sessions_authorised": "Séances accordées", "valid_from": "Début de validité",
    "valid_until": "Fin de validité", "day": "Date", "start": "Heure", "kind": "Type", "place": "Lieu",
    "duration_min": "Durée", "note": "Note", "month": "Mois", "prescribed_on": "Date de prescription",
    "document": "Document",
    "period": "Période",
    "year": "Année",
    # issue 19: input
    "amount": "Montant", "limit": "Nombre de lignes", "reference": "Référence", "timeout": "Délai d'attente",
    # issue 22: a payer typed in Paramètres (services/payers.py)
    "pathway": "Parcours", "street": "Adresse",
}
