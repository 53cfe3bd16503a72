"""Conventions in the console: register a therapist (the checks of conventions.py, each refusal said next to its
field), add a signing certificate (PEM/DER file or one of the practice's batch ZIPs), revoke it, issue an API
token (shown once, on the answer to the POST, never again) and revoke it. Every act is audited by conventions.py."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from cocon_network.server import conventions
from cocon_network.server.console.auth import Page, not_found, require_role
from cocon_network.server.console.therapists import CONVENTION_ROLES, show_therapist, therapist_of
from cocon_network.server.models import ApiToken

FIELDS = ("name", "discipline", "siret", "rpps", "iban", "bic", "departement", "convention_start",
          "convention_end")
DISCIPLINES = ("psychomotricite", "orthophonie", "kinesitherapie", "ergotherapie", "psychologie", "orthoptie")
MAX_UPLOAD = 8 * 1024 * 1024


def _date(page: Page, name: str, required: bool) -> date | None:
    raw = page.field(name)
    if not raw:
        if required:
            page.errors[name] = "Saisissez la date (JJ/MM/AAAA)."
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    page.errors[name] = "Date non reconnue : JJ/MM/AAAA."
    return None


@require_role(*CONVENTION_ROLES)
def new_therapist(page: Page) -> Response:
    values = {name: page.field(name) for name in FIELDS}
    if page.request.method == "GET":
        return page.render("therapist_new.html", {"values": values, "errors": {}, "disciplines": DISCIPLINES})
    start, end = _date(page, "convention_start", True), _date(page, "convention_end", False)
    if not page.errors:
        try:
            with page.db.begin_nested():
                therapist = conventions.register_therapist(
                    page.db, name=values["name"], discipline=values["discipline"], siret=values["siret"],
                    iban=values["iban"], rpps=values["rpps"], bic=values["bic"], departement=values["departement"],
                    convention_start=start or date.today(), convention_end=end, user_id=page.user.id)
        except conventions.ConventionError as error:
            page.errors[error.field if error.field in FIELDS else "name"] = error.message
    if page.errors:
        return page.render("therapist_new.html", {"values": values, "errors": page.errors,
                                                  "disciplines": DISCIPLINES}, status_code=400)
    return page.redirect(f"/console/therapeutes/{therapist.id}",
                         f"{therapist.name} est conventionné : ajoutez son certificat de signature puis émettez "
                         "son jeton.")


@require_role(*CONVENTION_ROLES)
def edit_therapist(page: Page) -> Response:
    """The same form, filled: a new IBAN, the convention's end, a corrected name."""
    therapist = therapist_of(page)
    if therapist is None:
        return not_found(page.request, "Ce thérapeute n'existe pas.")
    context = {"disciplines": DISCIPLINES, "therapist": therapist}
    if page.request.method == "GET":
        values = {name: "" if getattr(therapist, name) is None else str(getattr(therapist, name)) for name in FIELDS}
        return page.render("therapist_new.html", {**context, "values": values, "errors": {}})
    values = {name: page.field(name) for name in FIELDS}
    start, end = _date(page, "convention_start", True), _date(page, "convention_end", False)
    if not page.errors:
        fields = {name: values[name] for name in FIELDS if not name.startswith("convention_")}
        try:
            with page.db.begin_nested():
                conventions.update_therapist(page.db, therapist.id, user_id=page.user.id, convention_start=start,
                                             convention_end=end, **fields)
        except conventions.ConventionError as error:
            page.errors[error.field if error.field in FIELDS else "name"] = error.message
    if page.errors:
        return page.render("therapist_new.html", {**context, "values": values, "errors": page.errors},
                           status_code=400)
    return page.redirect(f"/console/therapeutes/{therapist.id}", "Convention mise à jour.")


@require_role(*CONVENTION_ROLES)
def add_certificate(page: Page) -> Response:
    therapist = therapist_of(page)
    if therapist is None:
        return not_found(page.request, "Ce thérapeute n'existe pas.")
    upload = page.upload("certificat")
    if upload is None:
        return show_therapist(page, therapist, errors={"certificat": "Choisissez le fichier du certificat (PEM, "
                                                                     "DER) ou un lot du cabinet (ZIP)."},
                              status_code=400)
    data = upload.file.read(MAX_UPLOAD + 1)
    try:
        if len(data) > MAX_UPLOAD:
            raise conventions.ConventionError("certificate", "Fichier trop volumineux (8 Mo au plus).")
        with page.db.begin_nested():
            row = conventions.add_certificate(page.db, therapist.id, data, user_id=page.user.id)
    except conventions.ConventionError as error:
        return show_therapist(page, therapist, errors={"certificat": error.message}, status_code=400)
    return page.redirect(f"/console/therapeutes/{therapist.id}",
                         f"Certificat enregistré : {row.subject or row.fingerprint[:16]}.")


@require_role(*CONVENTION_ROLES)
def revoke_certificate(page: Page) -> Response:
    therapist = therapist_of(page)
    if therapist is None:
        return not_found(page.request, "Ce thérapeute n'existe pas.")
    try:
        with page.db.begin_nested():
            conventions.revoke_certificate(page.db, therapist.id, page.field("empreinte"), user_id=page.user.id)
    except conventions.ConventionError as error:
        return show_therapist(page, therapist, errors={"certificat": error.message}, status_code=400)
    return page.redirect(f"/console/therapeutes/{therapist.id}",
                         "Certificat révoqué : les lots qu'il signe sont désormais refusés.")


@require_role(*CONVENTION_ROLES)
def issue_token(page: Page) -> Response:
    therapist = therapist_of(page)
    if therapist is None:
        return not_found(page.request, "Ce thérapeute n'existe pas.")
    issued = conventions.issue_token(page.db, therapist.id, user_id=page.user.id)
    return show_therapist(page, therapist, issued_token=issued.token)


@require_role(*CONVENTION_ROLES)
def revoke_token(page: Page) -> Response:
    therapist = therapist_of(page)
    raw = page.field("jeton")
    token_id = int(raw) if raw.isdigit() and len(raw) < 10 else 0
    owner = page.db.scalar(select(ApiToken.therapist_id).where(ApiToken.id == token_id))
    if therapist is None or owner != therapist.id:
        return not_found(page.request, "Ce jeton n'existe pas.")
    row = conventions.revoke_token(page.db, token_id, user_id=page.user.id)
    return page.redirect(f"/console/therapeutes/{therapist.id}",
                         f"Jeton {row.hint}… révoqué : le cabinet ne peut plus envoyer de lot avec lui.")


def routes() -> list[BaseRoute]:
    base = "/console/therapeutes/{therapist_id:int}"
    return [Route("/console/therapeutes/nouveau", new_therapist, methods=["GET", "POST"]),
            Route(base + "/modifier", edit_therapist, methods=["GET", "POST"]),
            Route(base + "/certificats", add_certificate, methods=["POST"]),
            Route(base + "/certificats/revoquer", revoke_certificate, methods=["POST"]),
            Route(base + "/jetons", issue_token, methods=["POST"]),
            Route(base + "/jetons/revoquer", revoke_token, methods=["POST"])]
