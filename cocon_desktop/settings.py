"""Typed preferences of the practice, each declared once with its type, default and French label.

Stored in the encrypted database (services/settings_store.py); never a secret here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SETTINGS_VERSION = 1


@dataclass(frozen=True)
class SettingVar:
    key: str
    type: type
    default: Any
    label: str  # French, shown on the settings page
    minimum: int | None = None
    maximum: int | None = None

    def coerce(self, value: Any) -> Any:
        """The value in its declared type, clamped to its range; the default when unusable."""
        try:
            if self.type is bool:
                coerced: Any = value if isinstance(value, bool) else str(value).lower() in ("1", "true", "oui")
            else:
                coerced = self.type(value)
        except (TypeError, ValueError):
            return self.default
        if isinstance(coerced, int) and not isinstance(coerced, bool):
            if self.minimum is not None:
                coerced = max(self.minimum, coerced)
            if self.maximum is not None:
                coerced = min(self.maximum, coerced)
        return coerced


LOCK_IDLE_MINUTES = SettingVar("lock_idle_minutes", int, 10, "Verrouillage automatique après (minutes)",
                               minimum=1, maximum=240)

CORRECTED_AGE_CUTOFF_MONTHS = SettingVar("corrected_age_cutoff_months", int, 24,
                                         "Âge corrigé affiché jusqu'à (mois d'âge réel)", minimum=12, maximum=84)

PAYMENT_TERM_DAYS = SettingVar("payment_term_days", int, 30, "Délai de paiement des factures (jours)",
                               minimum=0, maximum=60)

NETWORK_ADDRESSES = {code: SettingVar(f"network_address_{code}", str, "", f"Adresse du réseau {code}")
                     for code in ("RPM", "RPO", "RPNA")}


def network_address(code: str) -> SettingVar:
    """The postal address the invoices to `code` are sent to ("street|postcode|city"); not published: a setting."""
    return NETWORK_ADDRESSES[code]


NETWORK_ENDPOINTS = {code: SettingVar(f"network_endpoint_{code}", str, "",
                                      f"Adresse de synchronisation du réseau {code} (https://…)")
                     for code in ("RPM", "RPO", "RPNA")}


def network_endpoint(code: str) -> SettingVar:
    """The URL batches for `code` are sent to; its access token is not a setting (services/network_endpoints)."""
    return NETWORK_ENDPOINTS[code]


NETWORK_SERVER_CAS = {code: SettingVar(f"network_server_ca_{code}", str, "",
                                       f"Certificat du serveur de réception du réseau {code} (PEM)")
                      for code in ("RPM", "RPO", "RPNA")}


def network_server_ca(code: str) -> SettingVar:
    """The PEM certificate(s) trusted for `code`'s receiving server instead of the system's; "" when none."""
    return NETWORK_SERVER_CAS[code]


# The pathways the practice works with (ids of resources/pathways/*.toml, comma-separated; issue 22). Read by
# services/pathway_store.enabled_pathways; nothing shows or uses it yet (the wizard and Paramètres come later).
PATHWAYS = SettingVar("pathways", str, "cocon", "Parcours suivis par le cabinet")

BACKUP_KEEP = SettingVar("backup_keep", int, 10, "Sauvegardes automatiques gardées (à la fermeture)",
                         minimum=1, maximum=100)
# Not a preference but a fact shown on the settings page: "ISO date|path" of the last backup written.
LAST_BACKUP = SettingVar("last_backup", str, "", "Dernière sauvegarde")

ALL: dict[str, SettingVar] = {var.key: var for var in (LOCK_IDLE_MINUTES, CORRECTED_AGE_CUTOFF_MONTHS,
                                                        PAYMENT_TERM_DAYS, *NETWORK_ADDRESSES.values(),
                                                        *NETWORK_ENDPOINTS.values(), *NETWORK_SERVER_CAS.values(),
                                                        PATHWAYS, BACKUP_KEEP, LAST_BACKUP)}

# version → function upgrading the stored dict from the previous version
UPGRADES: dict[int, Any] = {}
