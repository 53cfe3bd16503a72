"""SQLAlchemy 2 ORM models. No Qt, no services. Importing this package registers every table."""

from cocon_desktop.models.attestation import Attestation, SignatureImage
from cocon_desktop.models.audit import AuditEntry
from cocon_desktop.models.base import Base
from cocon_desktop.models.batch import Batch, BatchDocument, NetworkCredential, OutboxEntry
from cocon_desktop.models.child import Child, Guardian
from cocon_desktop.models.enrolment import Enrolment
from cocon_desktop.models.invoice import Invoice, InvoiceEvent, InvoiceLine, Payment
from cocon_desktop.models.payer import Payer
from cocon_desktop.models.practice import Practice
from cocon_desktop.models.prescriber import Prescriber
from cocon_desktop.models.prescription import Document, Prescription
from cocon_desktop.models.seance import Appointment, Seance
from cocon_desktop.models.setting import Setting
from cocon_desktop.models.signing_identity import SigningIdentity
from cocon_desktop.models.tariff_override import TariffOverride

__all__ = ["Appointment", "Base", "Batch", "BatchDocument", "Child", "Document", "Guardian", "Invoice",
           "InvoiceEvent", "InvoiceLine", "NetworkCredential", "OutboxEntry", "Payment", "Practice", "Prescriber",
           "Prescription", "Seance", "Setting", "SigningIdentity", "TariffOverride"]
__all__ += ["Attestation", "SignatureImage"]
__all__ += ["AuditEntry"]
__all__ += ["Enrolment", "Payer"]
