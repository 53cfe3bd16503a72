"""French sentences for the core's error codes. The CLI prints them; the Qt UI passes them through tr()."""

from __future__ import annotations

from typing import Any

from cocon_desktop.errors import CoconError, FieldError

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
                           "de trois de ces sortes, ou une phrase de 7 mots.",
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
    "database_key_mismatch": "La base de données ne s'ouvre pas avec la clé de ce cabinet : fichier "
                             "endommagé ou remplacé. Rien n'a été modifié.",
    "foreign_key_check_failed": "La mise à jour de la base a laissé {count} référence(s) cassée(s) "
                                "(table {table}) : elle a été annulée.",
    "practice_missing": "Le profil du cabinet est absent de la base de données.",
    "validation_failed": "{count} champ(s) à corriger.",
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
    "nir_length": "Le NIR compte 13 caractères suivis d'une clé de 2 chiffres.",
    "nir_key": "La clé de ce NIR ne correspond pas au numéro.",
    "iban_invalid": "Cet IBAN est invalide (clé de contrôle) : recopiez-le depuis votre RIB.",
    "bic_invalid": "Ce BIC est invalide (8 ou 11 caractères).",
    "email_invalid": "Adresse électronique invalide.",
    "phone_invalid": "Numéro de téléphone invalide (10 chiffres, ou +33…).",
    "postcode_invalid": "Le code postal compte 5 chiffres.",
}

FIELD_LABELS: dict[str, str] = {
    "name": "Nom et prénom", "trade_name": "Nom du cabinet", "profession": "Profession", "rpps": "RPPS",
    "adeli": "ADELI", "siret": "SIRET", "address": "Adresse", "postcode": "Code postal", "city": "Ville",
    "phone": "Téléphone", "email": "Courriel", "iban": "IBAN", "bic": "BIC", "network": "Réseau",
}


def text(code: str, data: dict[str, Any] | None = None) -> str:
    template = MESSAGES.get(code, code)
    try:
        return template.format(**(data or {}))
    except (KeyError, IndexError):
        return template


def describe(error: CoconError) -> str:
    """One French sentence for an error (for a ValidationError: each field and its problem)."""
    from cocon_desktop.errors import ValidationError

    if isinstance(error, ValidationError):
        return " ".join(describe_field(e) for e in error.errors)
    return text(error.code, error.data)


def describe_field(error: FieldError) -> str:
    return f"{FIELD_LABELS.get(error.field, error.field)} : {text(error.code, error.data)}"
