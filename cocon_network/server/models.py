"""The network's tables (SQLAlchemy 2, portable between PostgreSQL and SQLite).

Amounts are integer cents; dates are `date`; moments are aware UTC `datetime` (stored timezone-aware on
PostgreSQL). Bytes (a batch's ZIP, a document's PDF) are kept in the database with their SHA-256, so that one
`pg_dump` holds everything the network received. Only what billing needs is here: a child is an inclusion number
and initials, never a name."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


# Document and batch states (the protocol's words for batches: cocon_exchange.protocol.STATUSES)
DOC_RECEIVED = "recu"  # in an accepted batch, waiting for the coordinator
DOC_ACCEPTED = "accepte"  # the coordinator accepted it: payable
DOC_REJECTED = "rejete"  # the coordinator rejected it with a reason: the practice sees it at its next sync
DOC_PAID = "paye"  # in an executed payment run
DOC_STATUSES = (DOC_RECEIVED, DOC_ACCEPTED, DOC_REJECTED, DOC_PAID)

VERIFY_PENDING = "en_cours"  # batch.verification: received, the full verification still to come
VERIFY_DONE = "verifie"
VERIFY_FAILED = "echec"

ROLE_COORDINATOR = "coordinateur"
ROLE_ACCOUNTANT = "comptable"
ROLE_ADMINISTRATOR = "administrateur"
ROLES = (ROLE_COORDINATOR, ROLE_ACCOUNTANT, ROLE_ADMINISTRATOR)


class Therapist(Base):
    """A therapist under convention with the network (one practice: one SIRET)."""

    __tablename__ = "therapist"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    discipline: Mapped[str] = mapped_column(String(40))  # the acts' codes: psychomotricite, orthophonie…
    siret: Mapped[str] = mapped_column(String(14), unique=True)
    rpps: Mapped[str] = mapped_column(String(11), default="")
    iban: Mapped[str] = mapped_column(String(34))  # compact, checked with python-stdnum
    bic: Mapped[str] = mapped_column(String(11), default="")
    departement: Mapped[str] = mapped_column(String(3), default="")  # « 13 », « 2A », « 974 »
    convention_start: Mapped[date] = mapped_column(Date)
    convention_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    certificates: Mapped[list[TherapistCertificate]] = relationship(back_populates="therapist")


class TherapistCertificate(Base):
    """A signing certificate registered for a therapist: batches signed by another one are refused."""

    __tablename__ = "therapist_certificate"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    therapist_id: Mapped[int] = mapped_column(ForeignKey("therapist.id"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of the DER, lowercase hex
    subject: Mapped[str] = mapped_column(String(400), default="")
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    therapist: Mapped[Therapist] = relationship(back_populates="certificates")
    __table_args__ = (UniqueConstraint("therapist_id", "fingerprint"),)


class ApiToken(Base):
    """A per-therapist access token of the sync protocol: shown once, stored as the SHA-256 of its 256 random
    bits (a token is not a password: no slow hash needed to resist guessing)."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    therapist_id: Mapped[int] = mapped_column(ForeignKey("therapist.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(12))  # the first characters, to tell tokens apart in the console
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Batch(Base):
    """A batch received (accepted or rejected on receipt), its bytes and its receipt."""

    __tablename__ = "batch"
    batch_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    therapist_id: Mapped[int | None] = mapped_column(ForeignKey("therapist.id"), nullable=True, index=True)
    siret: Mapped[str] = mapped_column(String(14), default="")
    network: Mapped[str] = mapped_column(String(8), default="")
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    # the batch's ZIP as received; on PostgreSQL STORAGE EXTERNAL (migration 0004: no compression attempt on it)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    receipt_id: Mapped[str] = mapped_column(String(100), unique=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    status: Mapped[str] = mapped_column(String(10))  # recu | rejete | paye (the protocol's batch status)
    reject_code: Mapped[str] = mapped_column(String(64), default="")
    reject_reason: Mapped[str] = mapped_column(Text, default="")
    period_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    period_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    total_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    # en_cours: stored on receipt, the PDFs' signatures and Factur-X data not verified yet (no decision, no
    # payment); verifie; echec: the full verification failed (status rejete, reject_code/reason say why)
    verification: Mapped[str] = mapped_column(String(10), default=VERIFY_DONE, server_default=VERIFY_DONE,
                                              index=True)

    documents: Mapped[list[Document]] = relationship(back_populates="batch", order_by="Document.id")


class Document(Base):
    """An invoice or credit note of an accepted batch, exactly as issued (the signed PDF), and its decision."""

    __tablename__ = "document"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("batch.batch_id"), index=True)
    therapist_id: Mapped[int] = mapped_column(ForeignKey("therapist.id"), index=True)
    number: Mapped[str] = mapped_column(String(40))  # FAC-2026-0023
    series: Mapped[str] = mapped_column(String(20), default="")  # FAC-2026
    sequence: Mapped[int] = mapped_column(Integer, default=0)  # 23
    kind: Mapped[str] = mapped_column(String(12))  # invoice | credit_note
    corrects: Mapped[str] = mapped_column(String(40), default="")  # a credit note's invoice number
    issue_date: Mapped[date] = mapped_column(Date)
    amount_cents: Mapped[int] = mapped_column(BigInteger)  # negative for a credit note (the manifest's sign)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    signature_status: Mapped[str] = mapped_column(String(200), default="")  # French, as verified on receipt
    facturx_xml: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=DOC_RECEIVED, index=True)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("console_user.id"), nullable=True)
    payment_run_id: Mapped[int | None] = mapped_column(ForeignKey("payment_run.id"), nullable=True, index=True)

    batch: Mapped[Batch] = relationship(back_populates="documents")
    acts: Mapped[list[Act]] = relationship(back_populates="document", order_by="Act.line")
    __table_args__ = (UniqueConstraint("therapist_id", "number"),)


class Act(Base):
    """One line of actes.csv (one act of a document)."""

    __tablename__ = "act"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    therapist_id: Mapped[int] = mapped_column(ForeignKey("therapist.id"), index=True)
    line: Mapped[int] = mapped_column(Integer)
    act_date: Mapped[date] = mapped_column(Date, index=True)
    inclusion_number: Mapped[str] = mapped_column(String(40), index=True)
    initials: Mapped[str] = mapped_column(String(20), default="")
    discipline: Mapped[str] = mapped_column(String(40))
    nature: Mapped[str] = mapped_column(String(40))
    amount_cents: Mapped[int] = mapped_column(BigInteger)  # negative on a credit note

    document: Mapped[Document] = relationship(back_populates="acts")
    __table_args__ = (Index("ix_act_child_day", "inclusion_number", "act_date", "discipline"),)


class Inclusion(Base):
    """A child included in the pathway, from the network's coordination tool (CSV import)."""

    __tablename__ = "inclusion"
    inclusion_number: Mapped[str] = mapped_column(String(40), primary_key=True)
    initials: Mapped[str] = mapped_column(String(20), default="")
    birth_date: Mapped[date] = mapped_column(Date)
    gestational_weeks: Mapped[int | None] = mapped_column(Integer, nullable=True)  # for the corrected age
    included_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    departement: Mapped[str] = mapped_column(String(3), default="")
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ControlFlag(Base):
    """A finding of the controls across therapists, explained in French and linked to its documents."""

    __tablename__ = "control_flag"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)  # forfait_exceeded, same_day, outside_inclusion…
    inclusion_number: Mapped[str] = mapped_column(String(40), default="", index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"), nullable=True, index=True)
    act_id: Mapped[int | None] = mapped_column(ForeignKey("act.id"), nullable=True)
    batch_id: Mapped[str | None] = mapped_column(ForeignKey("batch.batch_id"), nullable=True, index=True)
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ConsoleUser(Base):
    __tablename__ = "console_user"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    login: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))  # coordinateur | comptable | administrateur
    password_hash: Mapped[str] = mapped_column(String(200))  # Argon2id (argon2-cffi's encoded form)
    totp_secret: Mapped[str] = mapped_column(String(64), default="")  # base32, empty: no second factor
    totp_last_counter: Mapped[int] = mapped_column(BigInteger, default=0)  # a code is accepted once only
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)  # consecutive failures (the throttle)
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ConsoleSession(Base):
    """A signed-in browser: the cookie holds a random token, the table its SHA-256."""

    __tablename__ = "console_session"
    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("console_user.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(Base):
    """Append-only log of every decision (a trigger refuses UPDATE and DELETE on PostgreSQL and SQLite); each
    entry carries the SHA-256 of the previous one, so that a removed line shows."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("console_user.id"), nullable=True)
    action: Mapped[str] = mapped_column(String(60))  # document_rejected, payment_run_executed, token_issued…
    target: Mapped[str] = mapped_column(String(200), default="")  # « document FAC-2026-0023 (91234567500017) »
    detail: Mapped[str] = mapped_column(Text, default="")  # JSON
    previous_sha256: Mapped[str] = mapped_column(String(64), default="")
    entry_sha256: Mapped[str] = mapped_column(String(64), default="")


class PaymentRun(Base):
    """A SEPA credit transfer file made by the accountant from accepted invoices; executed once the bank did."""

    __tablename__ = "payment_run"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(35), unique=True)  # pain.001 MsgId
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("console_user.id"), nullable=True)
    execution_date: Mapped[date] = mapped_column(Date)
    total_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    sepa_xml: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    executed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    executed_by: Mapped[int | None] = mapped_column(ForeignKey("console_user.id"), nullable=True)


class ReportChildMonth(Base):
    """The funder's report kept up to date (report_aggregate.py): one child's counted acts in one month, one
    département and one discipline — what `reporting.funder_report` sums, a few thousand rows a month instead of
    the acts. `invoiced` says the child has an act of a counted invoice there (« enfants suivis »)."""

    __tablename__ = "report_child_month"
    month: Mapped[int] = mapped_column(Integer, primary_key=True)  # 202503
    inclusion_number: Mapped[str] = mapped_column(String(40), primary_key=True)
    departement: Mapped[str] = mapped_column(String(3), primary_key=True)
    discipline: Mapped[str] = mapped_column(String(40), primary_key=True)
    invoiced: Mapped[bool] = mapped_column(Boolean)
    seances: Mapped[int] = mapped_column(Integer)
    bilans: Mapped[int] = mapped_column(Integer)
    acts: Mapped[int] = mapped_column(Integer)
    cents: Mapped[int] = mapped_column(BigInteger)
    __table_args__ = (Index("ix_report_child_month_child", "inclusion_number", "month"),)


class ReportChildDay(Base):
    """report_child_month's rows by day (report_aggregate.py): what a period cut inside a month reads for its
    partial months (~6,000 rows for half a month of a region instead of its acts joined to their documents); the
    month rows are these rows' sums, recomputed together in the same refresh."""

    __tablename__ = "report_child_day"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    inclusion_number: Mapped[str] = mapped_column(String(40), primary_key=True)
    departement: Mapped[str] = mapped_column(String(3), primary_key=True)
    discipline: Mapped[str] = mapped_column(String(40), primary_key=True)
    invoiced: Mapped[bool] = mapped_column(Boolean)
    seances: Mapped[int] = mapped_column(Integer)
    bilans: Mapped[int] = mapped_column(Integer)
    acts: Mapped[int] = mapped_column(Integer)
    cents: Mapped[int] = mapped_column(BigInteger)
    __table_args__ = (Index("ix_report_child_day_child", "inclusion_number", "day"),)


class ReportMonth(Base):
    """The sums of report_child_month by month, département and discipline: the report's table as stored."""

    __tablename__ = "report_month"
    month: Mapped[int] = mapped_column(Integer, primary_key=True)  # 202503
    departement: Mapped[str] = mapped_column(String(3), primary_key=True)
    discipline: Mapped[str] = mapped_column(String(40), primary_key=True)
    children: Mapped[int] = mapped_column(Integer)
    seances: Mapped[int] = mapped_column(Integer)
    bilans: Mapped[int] = mapped_column(Integer)
    acts: Mapped[int] = mapped_column(Integer)
    cents: Mapped[int] = mapped_column(BigInteger)


class ReportMonthTotal(Base):
    """Distinct children followed per month, all départements and disciplines (a child seen in two counts once)."""

    __tablename__ = "report_month_total"
    month: Mapped[int] = mapped_column(Integer, primary_key=True)  # 202503
    children: Mapped[int] = mapped_column(Integer)
