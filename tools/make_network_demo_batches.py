"""The demo network's input (`make network-demo`): 12 made-up practices, 200 children, and four months of REAL
signed batches, written once into a folder the demo server then ingests through its own API.

    python tools/make_network_demo_batches.py build/network-demo/input

Why a tool here and not bytes in the repository, nor code in the server: the server (cocon_network) must not
import the desktop, and a batch is only real when the desktop's renderer and signer made it. Generated on the
first `make network-demo` (~20 s on one core), the batches always follow today's batch format, and no private key
— not even a demo one — sits in the repository (the keys live in memory while the tool runs).

The folder gets `network.json` (the therapists under convention and the inclusion list) and `batches/*.zip`.
Three anomalies are planted for the console's controls: the same child seen the same day in the same discipline
by two therapists, a child the inclusion list does not know, and a séance after a child's inclusion ended."""

from __future__ import annotations

import argparse
import json
import random
import sys
from datetime import date, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the repository's root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.network_practices import Child, Practice, batch, invoice, practice

THERAPISTS = 12
CHILDREN = 200
MONTHS = (date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1))
PER_MONTH = (3, 4, 5)  # invoices per therapist and month (one child each), by therapist
UNKNOWN_CHILD = Child("RPM-2026-09999", "X. Y.")


def children(rng: random.Random) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for n in range(1, CHILDREN + 1):
        included = date(2024, 9, 1) + timedelta(days=rng.randrange(600))
        birth = included - timedelta(days=rng.randrange(60, 900))
        out.append({"inclusion_number": f"RPM-{included.year}-{n:05d}",
                    "initials": f"{chr(65 + rng.randrange(26))}. {chr(65 + rng.randrange(26))}.",
                    "birth_date": birth.isoformat(), "gestational_weeks": rng.choice((None, 31, 34, 38)),
                    "included_on": included.isoformat(), "ended_on": None,
                    "departement": rng.choice(("13", "83", "84", "06"))})
    out[2]["ended_on"] = "2026-10-15"  # billed in November by therapist 3: outside its inclusion
    return out


def therapist_record(p: Practice) -> dict[str, object]:
    return {"name": p.name, "discipline": p.discipline, "siret": p.siret, "rpps": p.rpps, "iban": p.iban,
            "bic": p.bic, "departement": p.departement, "convention_start": "2026-01-01"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Les lots signés du réseau de démonstration.")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--therapists", type=int, default=THERAPISTS, help="moins de thérapeutes (tests)")
    parser.add_argument("--months", type=int, default=len(MONTHS), help="moins de mois (tests)")
    args = parser.parse_args(argv)
    rng = random.Random(21)
    kids = children(rng)
    practices = [practice(n) for n in range(1, args.therapists + 1)]
    (args.folder / "batches").mkdir(parents=True, exist_ok=True)
    caseloads = {p.number: rng.sample(kids[3:], 12) for p in practices}
    shared = kids[5]  # therapists 1 and 7 share a profession: both see this child on 3 November
    for n in (1, 7):
        if n in caseloads:
            caseloads[n][0] = shared
    made = 0
    for p in practices:
        sequence = 0
        for month_index, month in enumerate(MONTHS[:args.months]):
            documents = []
            count = PER_MONTH[p.number % len(PER_MONTH)]
            for k in range(count):
                kid = caseloads[p.number][(month_index * count + k) % 12]
                if p.number == 3 and month_index == 3 and k == 0:
                    kid = kids[2]  # its inclusion ended on 15 October
                child = Child(str(kid["inclusion_number"]), str(kid["initials"]))
                if p.number == 2 and month_index == 3 and k == 0:
                    child = UNKNOWN_CHILD
                sequence += 1
                documents.append(invoice(p, f"FAC-2026-{sequence:04d}", month, child,
                                         sessions=2 + (k + p.number + month_index) % 3,
                                         bilan=month_index == 0 and k < 2, first_day=3 if k == 0 else 4 + k))
            end = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
            batch_id, data = batch(p, documents, month, end)
            (args.folder / "batches" / f"{month:%Y-%m}-{p.number:02d}-{batch_id}.zip").write_bytes(data)
            made += 1
        print(f"{p.name} : {args.months} lots", flush=True)
    network = {"therapists": [therapist_record(p) for p in practices], "children": kids}
    (args.folder / "network.json").write_text(json.dumps(network, ensure_ascii=False, indent=1), "utf-8")
    print(f"{made} lots signés dans {args.folder / 'batches'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
