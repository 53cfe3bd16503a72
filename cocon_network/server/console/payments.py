"""The accountant's payment pages: the accepted invoices per therapist with checkboxes → a payment run (its SEPA
file validated) → the XML and the ZIP of the remittance advices → « Marquer comme exécuté » (confirmed).

    GET  /console/paiements                       payable invoices (therapists paged, 50), recent runs
    POST /console/paiements                       create a run from the ticked invoices (or all of them)
    GET  /console/paiements/{id}                  a run: its transfers, its files, its execution
    GET  /console/paiements/{id}/sepa.xml         the pain.001.001.09 file as stored (validated before)
    GET  /console/paiements/{id}/avis.zip         every remittance advice
    GET  /console/paiements/{id}/avis/{siret}.pdf one therapist's advice
    POST /console/paiements/{id}/execution        the bank executed it: invoices paid
    POST /console/paiements/{id}/annulation       not executed: the documents are payable again"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import defer
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from cocon_network.server import payments, remittance_pdf, sepa
from cocon_network.server.console.auth import Page, not_found, require_role
from cocon_network.server.console.nav import NavItem
from cocon_network.server.console.paging import Pager
from cocon_network.server.models import DOC_ACCEPTED, ROLE_ACCOUNTANT, Document, PaymentRun, Therapist

NAV = (NavItem("Paiements", "/console/paiements", (ROLE_ACCOUNTANT,)),)
BASE = "/console/paiements"
THERAPISTS_A_PAGE = 20  # a month of a region: ~8 invoices each, 160 rows a page


def parse_day(value: str) -> date | None:
    """« 2026-12-10 » (the date field) or « 10/12/2026 »; None when not a date."""
    found = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value) or re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value)
    if not found:
        return None
    parts = found.groups()
    year, month, day = (parts[0], parts[1], parts[2]) if "-" in value else (parts[2], parts[1], parts[0])
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _index(page: Page, *, errors: dict[str, str] | None = None, chosen: set[int] | None = None,
           execution: str = "", problem: str = "", status_code: int = 200) -> Response:
    pager = Pager.from_request(page.request, size=THERAPISTS_A_PAGE)
    therapist_ids = pager.scalars(page.db, select(Therapist.id).where(
        select(Document.id).where(Document.therapist_id == Therapist.id, Document.status == DOC_ACCEPTED,
                                  Document.payment_run_id.is_(None)).exists()).order_by(Therapist.name, Therapist.id))
    dues = payments.payable(page.db, therapist_ids) if therapist_ids else []
    runs = list(page.db.scalars(select(PaymentRun).options(defer(PaymentRun.sepa_xml))
                                .order_by(PaymentRun.created_at.desc(), PaymentRun.id.desc()).limit(20)))
    today = datetime.now(UTC).date()
    return page.render("payments/index.html", {
        "dues": dues, "pager": pager, "runs": runs, "errors": errors or {}, "problem": problem,
        "chosen": chosen, "execution": execution or payments.next_working_day(today).isoformat(),
        "today": today.isoformat(),
    }, status_code=status_code)


@require_role(ROLE_ACCOUNTANT)
def index(page: Page) -> Response:
    if page.request.method != "POST":
        return _index(page)
    form = page.form
    raw_ids = list(form.getlist("facture")) if form is not None else []
    chosen = {int(v) for v in raw_ids if isinstance(v, str) and v.isdigit() and len(v) < 12}
    execution_text = page.field("date_execution")
    execution = parse_day(execution_text)
    errors: dict[str, str] = {}
    if execution is None:
        errors["date_execution"] = "Date non reconnue : saisissez la date d'exécution, par exemple 10/12/2026."
    everything = page.field("tout") == "1"
    if everything:
        chosen = set(payments.payable_invoice_ids(page.db))
    if not chosen:
        errors["facture"] = ("Aucune facture à payer." if everything else
                             "Cochez au moins une facture à payer.")
    if errors or execution is None:
        return _index(page, errors=errors, chosen=chosen, execution=execution_text, status_code=400)
    try:
        created = payments.create_run(page.db, page.settings, sorted(chosen), execution, page.user.id)
    except payments.PaymentError as error:  # refused before anything was written
        return _index(page, chosen=chosen, execution=execution_text, problem=str(error), status_code=400)
    message = (f"Virement {created.run.message_id} préparé : {created.transfer_count} virement"
               f"{'s' if created.transfer_count > 1 else ''}. Téléchargez le fichier SEPA pour la banque.")
    if created.left_out:
        message += " Non payé : " + " ".join(created.left_out)
    return page.redirect(f"{BASE}/{created.run.id}", message)


def _run(page: Page) -> PaymentRun | None:
    raw = page.request.path_params["run_id"]
    if not (raw.isdigit() and len(raw) < 12):
        return None
    return page.db.get(PaymentRun, int(raw), options=[defer(PaymentRun.sepa_xml)])


def _show_run(page: Page, run: PaymentRun, *, errors: dict[str, str] | None = None,
              status_code: int = 200) -> Response:
    from cocon_network.server.models import ConsoleUser

    pager = Pager.from_request(page.request)
    therapist_ids = pager.scalars(page.db, select(Therapist.id).where(
        select(Document.id).where(Document.therapist_id == Therapist.id, Document.payment_run_id == run.id)
        .exists()).order_by(Therapist.name, Therapist.id))
    dues = payments.run_dues(page.db, run.id, therapist_ids) if therapist_ids else []
    xml = page.db.scalar(select(PaymentRun.sepa_xml).where(PaymentRun.id == run.id)) or b""
    transfers = sepa.totals(xml)[0] if xml else 0
    people = {u.id: u.display_name or u.login for u in page.db.scalars(select(ConsoleUser).where(
        ConsoleUser.id.in_([i for i in (run.created_by, run.executed_by) if i is not None])))}
    return page.render("payments/run.html", {
        "run": run, "dues": [d for d in dues if d.net_cents > 0], "settled": [d for d in dues if d.net_cents == 0],
        "masked": remittance_pdf.masked_iban, "people": people, "errors": errors or {}, "pager": pager,
        "transfers": transfers,
    }, status_code=status_code)


@require_role(ROLE_ACCOUNTANT)
def run_page(page: Page) -> Response:
    run = _run(page)
    return not_found(page.request, "Ce virement n'existe pas.") if run is None else _show_run(page, run)


def _download(data: bytes, name: str, media_type: str) -> Response:
    return Response(data, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="{name}"', "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store"})


@require_role(ROLE_ACCOUNTANT)
def sepa_xml(page: Page) -> Response:
    run = _run(page)
    if run is None:
        return not_found(page.request, "Ce virement n'existe pas.")
    xml = page.db.scalar(select(PaymentRun.sepa_xml).where(PaymentRun.id == run.id)) or b""
    return _download(xml, f"virement-{run.message_id}.xml", "application/xml")


@require_role(ROLE_ACCOUNTANT)
def advices_zip(page: Page) -> Response:
    run = _run(page)
    if run is None:
        return not_found(page.request, "Ce virement n'existe pas.")
    chunks = remittance_pdf.iter_remittance_zip(page.db, page.settings, run.id)  # drawn while it is sent
    return StreamingResponse(chunks, media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="avis-de-paiement-{run.message_id}.zip"',
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})


@require_role(ROLE_ACCOUNTANT)
def advice_pdf(page: Page) -> Response:
    run = _run(page)
    siret = page.request.path_params["siret"]
    if run is None:
        return not_found(page.request, "Ce virement n'existe pas.")
    for name, pdf in remittance_pdf.run_remittances(page.db, page.settings, run.id, siret):
        return _download(pdf, name, "application/pdf")
    return not_found(page.request, "Pas d'avis de paiement pour ce SIRET dans ce virement.")


@require_role(ROLE_ACCOUNTANT)
def execute(page: Page) -> Response:
    run = _run(page)
    if run is None:
        return not_found(page.request, "Ce virement n'existe pas.")
    if page.field("confirmation") != "oui":
        return _show_run(page, run, errors={"confirmation": "Cochez la case pour confirmer que la banque a exécuté "
                                                            "ce virement."}, status_code=400)
    try:
        executed = payments.execute_run(page.db, run.id, page.user.id)
    except payments.PaymentError as error:
        return _show_run(page, run, errors={"execution": str(error)}, status_code=409)
    return page.redirect(f"{BASE}/{run.id}", f"Virement {run.message_id} marqué exécuté : {executed.documents} "
                                             "documents payés ; les cabinets le verront à leur prochaine "
                                             "synchronisation.")


@require_role(ROLE_ACCOUNTANT)
def cancel(page: Page) -> Response:
    run = _run(page)
    if run is None:
        return not_found(page.request, "Ce virement n'existe pas.")
    try:
        payments.cancel_run(page.db, run.id, page.user.id)
    except payments.PaymentError as error:
        return _show_run(page, run, errors={"execution": str(error)}, status_code=409)
    return page.redirect(BASE, f"Virement {run.message_id} annulé : ses factures sont de nouveau à payer.")


def routes() -> list[BaseRoute]:
    return [
        Route(BASE, index, methods=["GET", "POST"]),
        Route(BASE + "/{run_id}", run_page, methods=["GET"]),
        Route(BASE + "/{run_id}/sepa.xml", sepa_xml, methods=["GET"]),
        Route(BASE + "/{run_id}/avis.zip", advices_zip, methods=["GET"]),
        Route(BASE + "/{run_id}/avis/{siret}.pdf", advice_pdf, methods=["GET"]),
        Route(BASE + "/{run_id}/execution", execute, methods=["POST"]),
        Route(BASE + "/{run_id}/annulation", cancel, methods=["POST"]),
    ]
