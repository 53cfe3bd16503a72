"""The sentences of the network's decisions on single documents (issue 21, #5 and #6): spread into MESSAGES
(their plural forms into PLURALS) by message_texts.py."""

from __future__ import annotations

DECISIONS: dict[str, str] = {
    # what to do first: a dashboard line shows two lines of text, the reason may be long
    "line_invoice_refused": "Facture {number} ({network}, {total}) rejetée par le réseau : émettez un avoir puis une "
                            "facture corrigée. Motif : « {reason} ».",
    "invoice_refused_advice": "Une facture émise ne se modifie pas : émettez un avoir qui l'annule (« Émettre un "
                              "avoir… »), puis facturez de nouveau ses séances ; l'avoir et la facture corrigée "
                              "partiront dans le prochain lot.",
    "sync_documents_refused": "{count} facture rejetée par le réseau : émettez un avoir puis une facture corrigée.",
    "sync_documents_paid": "{count} facture payée par le réseau.",
}

DECISION_PLURALS: dict[str, str] = {
    "sync_documents_refused": "{count} factures rejetées par le réseau : émettez pour chacune un avoir puis une "
                              "facture corrigée.",
    "sync_documents_paid": "{count} factures payées par le réseau.",
}
