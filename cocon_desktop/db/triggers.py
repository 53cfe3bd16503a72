"""The triggers the schema's head defines (migrations 0004–0014), by name, with their SQL as
db/catalog.normalised_sql gives it: `cocon verify` compares what the database holds with these, so that a trigger
dropped, renamed, made again with another condition (`WHEN 0`), or one added, is seen.

A migration that adds or changes a trigger updates this table (tests/db/test_verify_triggers.py compares it with a
database made by the migrations)."""

from __future__ import annotations

EXPECTED_TRIGGERS: dict[str, str] = {
    "attestation_no_delete": (
        "create trigger attestation_no_delete before delete on attestation begin select raise(abort,'cocon: "
        "issued documents are immutable');end"),
    "attestation_no_update": (
        "create trigger attestation_no_update before update on attestation when not(length(new.pdf)=0 and new.id "
        "is old.id and new.number is old.number and new.year is old.year and new.sequence is old.sequence and "
        "new.kind is old.kind and new.child_id is old.child_id and new.issue_date is old.issue_date and "
        "new.period_start is old.period_start and new.period_end is old.period_end and new.seance_count is "
        "old.seance_count and new.signed_pades is old.signed_pades and new.signature_image is old.signature_image"
        " and new.pdf_sha256 is old.pdf_sha256 and new.created_at is old.created_at and new.prev_chain is "
        "old.prev_chain and new.chain_hash is old.chain_hash)begin select raise(abort,'cocon: issued documents "
        "are immutable');end"),
    "audit_entry_no_delete": (
        "create trigger audit_entry_no_delete before delete on audit_entry begin select raise(abort,'cocon: the "
        "audit log is append-only');end"),
    "audit_entry_no_update": (
        "create trigger audit_entry_no_update before update on audit_entry when not(old.redacted=0 and "
        "new.redacted=1 and new.changes='' and new.id is old.id and new.at is old.at and new.actor is old.actor "
        "and new.origin is old.origin and new.entity is old.entity and new.entity_id is old.entity_id and "
        "new.action is old.action and new.child_id is old.child_id and new.fields is old.fields and "
        "new.changes_sha256 is old.changes_sha256 and new.prev_chain is old.prev_chain and new.chain_hash is "
        "old.chain_hash and exists(select 1 from child where child.id=old.child_id and child.erased_at is not "
        "null))begin select raise(abort,'cocon: the audit log is append-only');end"),
    "batch_document_no_delete": (
        "create trigger batch_document_no_delete before delete on batch_document begin select raise(abort,'cocon:"
        " batch documents are immutable');end"),
    "batch_document_no_update": (
        "create trigger batch_document_no_update before update on batch_document begin select raise(abort,'cocon:"
        " batch documents are immutable');end"),
    "batch_document_once": (
        "create trigger batch_document_once before insert on batch_document when exists(select 1 from "
        "batch_document as d join batch as b on b.id=d.batch_pk where d.invoice_id=new.invoice_id and "
        "b.state<>'rejete')begin select raise(abort,'cocon: document already in a batch');end"),
    "batch_file_no_update": (
        "create trigger batch_file_no_update before update on batch when old.batch_id is not new.batch_id or "
        "old.network is not new.network or old.period_start is not new.period_start or old.period_end is not "
        "new.period_end or old.created_at is not new.created_at or old.file_name is not new.file_name or old.zip "
        "is not new.zip or old.zip_sha256 is not new.zip_sha256 or old.documents is not new.documents or "
        "old.total_cents is not new.total_cents begin select raise(abort,'cocon: a batch file is immutable');end"),
    "batch_rejected_final": (
        "create trigger batch_rejected_final before update of state on batch when old.state='rejete' and "
        "new.state is not 'rejete' begin select raise(abort,'cocon: a rejected batch stays rejected');end"),
    "invoice_line_no_delete": (
        "create trigger invoice_line_no_delete before delete on invoice_line begin select raise(abort,'cocon: "
        "issued documents are immutable');end"),
    "invoice_line_no_update": (
        "create trigger invoice_line_no_update before update on invoice_line begin select raise(abort,'cocon: "
        "issued documents are immutable');end"),
    "invoice_no_delete": (
        "create trigger invoice_no_delete before delete on invoice begin select raise(abort,'cocon: issued "
        "documents are immutable');end"),
    "invoice_no_update": (
        "create trigger invoice_no_update before update on invoice begin select raise(abort,'cocon: issued "
        "documents are immutable');end"),
    "seance_invoiced_no_delete": (
        "create trigger seance_invoiced_no_delete before delete on seance when exists(select 1 from invoice_line "
        "as l where l.seance_id=old.id and l.credited_line_id is null and not exists(select 1 from invoice_line "
        "as c where c.credited_line_id=l.id))begin select raise(abort,'cocon: invoiced seance');end"),
    "seance_invoiced_no_update": (
        "create trigger seance_invoiced_no_update before update on seance when exists(select 1 from invoice_line "
        "as l where l.seance_id=old.id and l.credited_line_id is null and not exists(select 1 from invoice_line "
        "as c where c.credited_line_id=l.id))and not(new.note='' and new.child_id is old.child_id and "
        "new.prescription_id is old.prescription_id and new.day is old.day and new.start is old.start and "
        "new.duration_min is old.duration_min and new.kind is old.kind and new.place is old.place and "
        "new.out_of_forfait is old.out_of_forfait and new.created_at is old.created_at)begin select "
        "raise(abort,'cocon: invoiced seance');end"),
}
