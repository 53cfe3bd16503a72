"""`make bench`, the network's server (issue 21, #8): on a real PostgreSQL (Debian's binaries, started like the
tests' cluster) holding a region-sized network (cocon_network.server.region_data: 13,000 children, 500 therapists,
five years of monthly batches), with the server served by uvicorn with 2 workers on 127.0.0.1:

- the region's generation time (COPY);
- ingest: 20 uploads at once, each a distinct REAL signed batch of 100 invoices from a distinct registered
  therapist (the desktop's renderer and signer, tools/network_practices.py; cached in build/bench/network so that
  a second run skips the ~2,100 signatures), their p95 against 3 s, beside one upload alone (same run), and
  the time until all 20 are fully verified (the verification follows the receipt: docs/sync-protocol.md);
- the console: logged in once as the administrator (who sees every page), every page found by following the
  console's own links from the dashboard (one URL per kind of page), each GET 30 times, p95 against 200 ms.

    python -m benchmarks.network            this section alone
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import math
import multiprocessing
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from sqlalchemy import Engine, text

from cocon_network.server import models as m
from cocon_network.server.db import init_schema, make_engine, session_factory, transaction
from cocon_network.server.region_data import REGION, RegionSize, generate_region, region_children

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "build" / "bench" / "network"
UPLOADS = 20
DOCUMENTS = 100
REPEAT = 30
WARM_UP, WARM_UP_FIRST = 4, 90  # one-invoice batches sent first: every worker's verification pool started
ADMIN_LOGIN, ADMIN_PASSWORD = "bench-admin", "bench-administration"
_SKIP = re.compile(r"(deconnexion|/static/|\.(pdf|csv|zip|xml|png|svg)$|/pdf$|/telecharger|/export)")
_VARIABLE = re.compile(r"^(\d+|[0-9a-f]{8}-[0-9a-f-]{27}|[A-Z]{2,8}-\d{4}-\d+|FAC-.*|AV-.*|\d{14})$")

Row = tuple[str, str, str, str]
# Beyond the links: the heavy variants of the list pages (deep paging, filters, a whole year's report)
EXTRA_PAGES = {
    "/console/lots (page 200)": "/console/lots?page=200",
    "/console/lots (one month)": "/console/lots?mois=2024-03",
    "/console/controles (one kind)": "/console/controles?type=same_day_two_therapists",
    "/console/controles (page 100)": "/console/controles?page=100",
    "/console/rapports (a year, the region)": "/console/rapports?du=2025-01-01&au=2025-12-31",
    "/console/rapports (a month, the region)": "/console/rapports?du=2025-03-01&au=2025-03-31",
    "/console/rapports (five years, the region)": "/console/rapports?du=2021-01-01&au=2025-12-31",
    "/console/rapports (a year cut inside months)": "/console/rapports?du=2025-01-15&au=2025-12-20",
    "/console/rapports (two partial months)": "/console/rapports?du=2025-01-15&au=2025-02-20",
}


def p95(values: Sequence[float]) -> float:
    """The nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


# ---------------------------------------------------------------- the console: crawl, then time every page


def login(client: httpx.Client, user: str, password: str) -> None:
    """Sign in through the login form (its CSRF field), as a browser does."""
    form = client.get("/console/connexion")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    if token is None:
        raise RuntimeError("formulaire de connexion sans jeton CSRF")
    answer = client.post("/console/connexion", data={"csrf": token.group(1), "login": user,
                                                     "password": password}, follow_redirects=False)
    if answer.status_code != 303 or "connexion" in answer.headers.get("location", "connexion"):
        raise RuntimeError(f"connexion refusée ({answer.status_code})")


def page_kind(url: str) -> str:
    """The kind of a console page: its path with its variable parts (ids, numbers, dates) as « {} »."""
    parts = urlsplit(url).path.rstrip("/").split("/")
    return "/".join("{}" if _VARIABLE.match(p) else p for p in parts) or "/"


def crawl(get: Callable[[str], tuple[int, str, str]], start: str = "/console/", limit: int = 80) -> dict[str, str]:
    """One URL per kind of console page reachable from `start` by links (files, logout and static skipped).
    `get(url)` → (status, content type, body)."""
    found: dict[str, str] = {}
    queue = [start]
    seen: set[str] = set()
    while queue and len(seen) < limit:
        url = queue.pop(0)
        kind = page_kind(url)
        if url in seen or kind in found:
            continue
        seen.add(url)
        status, content_type, body = get(url)
        if status != 200 or "text/html" not in content_type:
            continue
        found[kind] = url
        for href in re.findall(r'href="(/console/[^"#]*)"', body):
            link = html.unescape(href)
            if not _SKIP.search(urlsplit(link).path) and page_kind(link) not in found:
                queue.append(link)
    return found


def time_pages(client: httpx.Client, pages: dict[str, str], repeat: int = REPEAT) -> list[tuple[str, float, int]]:
    """(kind, p95 seconds, status) of each page, GET `repeat` times one after the other."""
    out = []
    for kind, url in sorted(pages.items()):
        times, status = [], 0
        for _ in range(repeat):
            began = time.perf_counter()
            answer = client.get(url)
            times.append(time.perf_counter() - began)
            status = answer.status_code
        out.append((kind, p95(times), status))
    return out


def add_admin(engine: Engine) -> None:
    from cocon_network.server.console.passwords import hash_password

    with transaction(session_factory(engine)) as session:
        session.add(m.ConsoleUser(login=ADMIN_LOGIN, display_name="Banc d'essai", role=m.ROLE_ADMINISTRATOR,
                                  password_hash=hash_password(ADMIN_PASSWORD)))


# ---------------------------------------------------------------- ingest: real batches, 20 at once


def _build_one(job: tuple[int, list[tuple[str, str]], str]) -> str:
    """One practice's batch of DOCUMENTS invoices (a child each; 1 for a warm-up practice, numbered 90 and
    above), written to `path`; in a worker process."""
    from tools.network_practices import Child, batch, invoice, practice

    number, children, path = job
    p = practice(number, offset=8000)
    month = date(2026, 12, 1)
    documents = [invoice(p, f"FAC-2026-{9000 + i:04d}", month, Child(*children[i % len(children)]), 4)
                 for i in range(1 if number >= WARM_UP_FIRST else DOCUMENTS)]
    _batch_id, data = batch(p, documents, month, date(2026, 12, 31))
    Path(path).write_bytes(data)
    return path


def bench_children(size: RegionSize = REGION) -> list[tuple[str, str]]:
    """Children of the region's inclusion list followed in December 2026 (the benchmark's batches' month)."""
    return [(number, initials) for number, initials, included, ended in region_children(size)
            if included < date(2026, 12, 1) and ended > date(2027, 1, 1)][:2000]


def bench_batches(children: list[tuple[str, str]], count: int = UPLOADS + 1) -> list[Path]:
    """`count` real signed batches of DOCUMENTS invoices from as many practices, then WARM_UP one-invoice
    batches of other practices (built once, then cached)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    paths = [CACHE / f"practice-{n:02d}-{DOCUMENTS}.zip" for n in range(1, count + 1)]
    paths += [CACHE / f"practice-{n:02d}-1.zip" for n in range(WARM_UP_FIRST, WARM_UP_FIRST + WARM_UP)]
    todo = [(int(path.stem.split("-")[1]), children[n * 7:n * 7 + 40], str(path))
            for n, path in enumerate(paths, start=1) if not path.exists()]
    if todo:
        print(f"  {len(todo)} lots réels à signer (une fois) …", file=sys.stderr, flush=True)
        with multiprocessing.get_context("spawn").Pool(min(2, os.cpu_count() or 1)) as pool:
            pool.map(_build_one, todo)
    return paths


def register_batches(engine: Engine, paths: Sequence[Path]) -> list[tuple[str, bytes, str]]:
    """Each batch's practice registered (its certificate from the batch), a token issued: (batch id, bytes,
    token) for each."""
    import io
    import json
    import zipfile

    from cocon_network.server import conventions
    from tools.network_practices import practice as made_up

    out = []
    with transaction(session_factory(engine)) as session:
        for path in paths:
            data = path.read_bytes()
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                manifest = json.loads(archive.read("manifest.json"))
            practice = manifest["practice"]
            p = made_up(int(path.stem.split("-")[1]), offset=8000)
            therapist = conventions.register_therapist(
                session, name=practice["name"], discipline=p.discipline, siret=practice["siret"], iban=p.iban,
                bic=p.bic, rpps=p.rpps, departement=p.departement, convention_start=date(2026, 1, 1))
            conventions.add_certificate(session, therapist.id, data)
            token = conventions.issue_token(session, therapist.id).token
            out.append((manifest["batch_id"], data, token))
    return out


def verify_alone(upload: tuple[str, bytes, str]) -> float:
    """The CPU cost of one batch's verification (what the server's process pool runs), in this process."""
    from cocon_network.server.verify_pool import verify

    batch_id, data, _token = upload
    verify(batch_id, data)  # imports and caches warmed
    began = time.perf_counter()
    verify(batch_id, data)
    return time.perf_counter() - began


async def _put(client: httpx.AsyncClient, batch_id: str, data: bytes, token: str) -> tuple[float, int]:
    began = time.perf_counter()
    answer = await client.put(f"/batches/{batch_id}", content=data, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/zip",
        "X-Content-SHA256": hashlib.sha256(data).hexdigest()})
    return time.perf_counter() - began, answer.status_code


async def upload_at_once(base_url: str, uploads: Sequence[tuple[str, bytes, str]]) -> list[tuple[float, int]]:
    async with httpx.AsyncClient(base_url=base_url, timeout=600) as client:
        return list(await asyncio.gather(*(_put(client, *u) for u in uploads)))


def wait_verified(engine: Engine, batch_ids: Sequence[str], timeout: float = 600) -> tuple[float, list[str]]:
    """When every batch's full verification, which follows its receipt, has ended (time.perf_counter()), and
    their verification states (« verifie » expected)."""
    from sqlalchemy import select

    deadline = time.monotonic() + timeout
    while True:
        with transaction(session_factory(engine)) as session:
            states = list(session.scalars(select(m.Batch.verification).where(m.Batch.batch_id.in_(batch_ids))))
        if (len(states) == len(batch_ids) and m.VERIFY_PENDING not in states) or time.monotonic() > deadline:
            return time.perf_counter(), sorted(set(states))
        time.sleep(0.1)


# ---------------------------------------------------------------- the server: uvicorn, 2 workers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(database_url: str, workers: int = 2) -> tuple[subprocess.Popen[bytes], str]:
    """`cocon-network serve` with `workers` processes on 127.0.0.1 (settings from the environment), its log in
    build/bench/network/serve.log (a pipe nobody reads would fill up and stall the workers)."""
    port = free_port()
    env = {**os.environ, "COCON_NETWORK_DATABASE_URL": database_url, "COCON_NETWORK_WORKERS": str(workers),
           "COCON_NETWORK_PORT": str(port), "COCON_NETWORK_HOST": "127.0.0.1",
           "COCON_NETWORK_SECURE_COOKIES": "false"}
    CACHE.mkdir(parents=True, exist_ok=True)
    with (CACHE / "serve.log").open("wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "cocon_network.server", "serve"], env=env, cwd=ROOT,
                                   stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = (CACHE / "serve.log").read_text("utf-8", "replace")[-2000:]
            raise RuntimeError("le serveur s'est arrêté : " + tail)
        try:
            httpx.get(f"{base_url}/console/connexion", timeout=2)
            return process, base_url
        except httpx.TransportError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("le serveur n'a pas démarré en 60 s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


# ---------------------------------------------------------------- the section


def rows(size: RegionSize = REGION) -> list[Row]:
    sys.path.insert(0, str(ROOT))
    from tests.network.postgres import start_cluster

    out: list[Row] = []

    def note(row: Row) -> None:  # each figure printed as soon as measured (the table comes at the end)
        out.append(row)
        print("  " + "  ".join(row), file=sys.stderr, flush=True)

    cluster = start_cluster()
    try:
        url = cluster.create_database()
        engine = make_engine(url)
        init_schema(engine)
        figures = generate_region(engine, size)
        with engine.connect() as connection:
            megabytes = connection.execute(text("SELECT pg_database_size(current_database())")).scalar_one() / 1e6
        note((f"network: region generated (COPY), {figures.counts['act']:,} acts".replace(",", " "),
                    f"{figures.seconds:.0f} s", f"{figures.counts['document']:,} docs, {megabytes:.0f} MB"
                    .replace(",", " "), "—"))
        add_admin(engine)
        uploads = register_batches(engine, bench_batches(bench_children(size)))
        verify_seconds = verify_alone(uploads[0])
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        note((f"network: verification of one {DOCUMENTS}-invoice batch, one process (no HTTP, no database)",
              f"{verify_seconds:.2f} s", f"{verify_seconds / DOCUMENTS * 1000:.0f} ms a document", "—"))
        floor = UPLOADS * verify_seconds / cores
        note((f"network: CPU floor of the {UPLOADS} uploads' full verifications on {cores} cores", f"{floor:.1f} s",
              "after the receipts (two phases), perfectly spread", "—"))
        process, base_url = start_server(url)
        try:
            warm = asyncio.run(upload_at_once(base_url, uploads[UPLOADS + 1:]))
            alone = asyncio.run(upload_at_once(base_url, uploads[:1]))
            began = time.perf_counter()
            together = asyncio.run(upload_at_once(base_url, uploads[1:UPLOADS + 1]))
            verified, states = wait_verified(engine, [u[0] for u in uploads[1:UPLOADS + 1]])
            verified -= began
            size_mb = len(uploads[0][1]) / 1e6
            valid = {s for _t, s in warm + alone + together} <= {201}  # a refused or failed upload measures nothing
            warning = "" if valid else " — NOT ALL 201: not a measure"
            note((f"network: ingest of a {DOCUMENTS}-invoice real batch, alone ({size_mb:.1f} MB)",
                  f"{alone[0][0]:.2f} s", f"HTTP {alone[0][1]}{warning}", "—"))
            note((f"network: ingest, {UPLOADS} uploads at once, p95", f"{p95([t for t, _s in together]):.2f} s",
                  f"max {max(t for t, _s in together):.2f} s, HTTP {sorted({s for _t, s in together})}{warning}",
                  "≤ 3 s"))
            note((f"network: the {UPLOADS} batches fully verified (PDF signatures, Factur-X), from the first PUT",
                  f"{verified:.1f} s", f"after the receipts, verification states {states}", "—"))
            with httpx.Client(base_url=base_url, timeout=60) as client:
                login(client, ADMIN_LOGIN, ADMIN_PASSWORD)

                def get(u: str) -> tuple[int, str, str]:
                    answer = client.get(u)
                    return answer.status_code, answer.headers.get("content-type", ""), answer.text

                pages = crawl(get)
                timed = time_pages(client, {**pages, **EXTRA_PAGES})
                began = time.perf_counter()
                csv = client.get("/console/rapports/rapport.csv?du=2025-01-01&au=2025-12-31")
                report_seconds = time.perf_counter() - began
            worst = max(timed, key=lambda t: t[1]) if timed else ("—", 0.0, 0)
            for kind, seconds, status in timed:
                note((f"network: console {kind}", f"{seconds * 1000:.0f} ms",
                            f"p95 of {REPEAT}, HTTP {status}", "≤ 200 ms"))
            note(("network: funder's report CSV, a year of the region", f"{report_seconds * 1000:.0f} ms",
                  f"HTTP {csv.status_code}, {len(csv.content) // 1024} KB", "—"))
            note(("network: console, slowest page p95", f"{worst[1] * 1000:.0f} ms",
                        f"{len(timed)} pages, {worst[0]}", "≤ 200 ms"))
        finally:
            stop_server(process)
        engine.dispose()
    finally:
        cluster.stop()
    return out


def main() -> None:
    table = rows()
    width = [max(len(r[i]) for r in table) for i in range(4)]
    for row in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, width, strict=True)))


if __name__ == "__main__":
    if sys.argv[1:] == ["--batches"]:  # only sign the batches into the cache
        print(len(bench_batches(bench_children())), "lots")
    else:
        main()
