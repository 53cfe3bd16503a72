"""The network's web console (issue 21, #5): French, server-rendered HTML, no script, for the coordinator, the
accountant and the administrator.

Adding pages (parts B and D: payments, controls, inclusions, reporting)
----------------------------------------------------------------------
1. Create `cocon_network/server/console/<name>.py`:

       from starlette.responses import Response
       from starlette.routing import BaseRoute, Route

       from cocon_network.server.console.auth import Page, not_found, require_role
       from cocon_network.server.console.nav import NavItem
       from cocon_network.server.models import ROLE_ACCOUNTANT

       NAV = (NavItem("Paiements", "/console/paiements", (ROLE_ACCOUNTANT,)),)   # the menu (optional)

       @require_role(ROLE_ACCOUNTANT)            # the administrator passes every role check
       def runs(page: Page) -> Response:         # runs in a worker thread, in ONE database transaction
           if page.request.method == "POST":    # page.form is read and its CSRF token already checked
               amount = page.field("montant")   # a text field, stripped
               if not amount:
                   page.errors["montant"] = "Saisissez un montant."   # shown next to the field
                   return page.render("payments/runs.html", {...}, status_code=400)
               page.audit("payment_run_created", "virement RPM-2026-12", {"documents": 12})
               return page.redirect("/console/paiements", "Ordre de virement préparé.")   # 303 + a message
           rows = page.db.scalars(select(...).limit(50))                   # page everything: 50 a page
           return page.render("payments/runs.html", {"rows": rows})

       def routes() -> list[BaseRoute]:
           return [Route("/console/paiements", runs, methods=["GET", "POST"])]

2. Append "<name>" to PAGE_MODULES in console/routes.py.
3. Templates go in console/templates/<name>/…html and start with

       {% extends "base.html" %}
       {% block title %}Paiements{% endblock %}
       {% block content %} … {% endblock %}

   Every form that POSTs holds `{% include "csrf.html" %}` (the hidden `csrf` field); without it the POST gets a
   403. Every field has a <label for>; a field's error: `{% with name="montant" %}{% include "field_error.html"
   %}{% endwith %}` right after the field, with `aria-describedby="montant-erreur"` on the field (see
   document.html). Tables: <caption>, <th scope="col">. Filters: `euros` (cents → « 1 234,56 € »),
   `date_fr`, `moment_fr` (Paris time), `month_fr`; macros in templates/macros.html (pager, status badge).
   A file download: return a starlette Response with its Content-Type and Content-Disposition.
   Paging: `cocon_network.server.console.paging.Pager` (page number from ?page=, 50 a page, never a COUNT of
   millions of rows: it fetches one row more than it shows).

API
---
- `auth.require_role(*roles)`: decorator of a page function `(Page) -> Response` (see auth.py): not signed in or
  session expired → 303 to the login page; wrong role → 403 French page; POST with a bad CSRF token → 403.
- `auth.Page`: .request, .db (SQLAlchemy Session, in a transaction committed after the function; an exception
  rolls it back), .user (models.ConsoleUser), .form, .errors, .settings; .render(template, context,
  status_code=…), .redirect(url, message), .audit(action, target, detail), .field(name), .upload(name),
  .query(name).
- `templating.render(request, template, context, status_code=…)`: the same outside a page function.
- `auth.forbidden(request, message)`, `auth.not_found(request, message)`: French error pages.
- The audit log service is `cocon_network.server.audit` (record(session, user_id, action, target, detail),
  verify_chain(session)).
- Passwords: `console.passwords.hash_password / verify_password` (Argon2id), used by `cocon-network user add`.
"""
