"""Fill a firstfile database with many realistic-looking disclosures, fast.

    python benchmarks/seed.py DB N

Disclosures go in through SQLAlchemy core `insert()` with lists of dicts, in batches, because
the ORM is about ten times slower (PERFORMANCE-NOTES.md). The full-text index follows through
the database's own triggers (SQLite) or generated column (PostgreSQL), so search sees every row.

Descriptions are about 1.5 KB of sentences drawn from a fixed pool; each pool sentence mixes
common engineering words with rarer ones (a long Zipf tail), so a search for a rare word matches
a few hundred rows in 100,000 and a common one matches most of them, as in a real portfolio.
Everything is drawn from a seeded random generator: the same N gives the same database.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate, islice
from typing import Any

from firstfile.domain.keys import disclosure_key
from firstfile.domain.vocabulary import INTERNAL
from firstfile.storage.engine import Store

ENGAGEMENTS = (
    ("ORION-2025", "Drone gimbal", "GX-3", "during"),
    ("NOVA-2026", "Smart thermostat", "NT-10", "pre"),
    ("HELIX-2024", "Wearable ECG patch", "HX-2", "post"),
    ("VEGA-2026", "Solar charge controller", "VC-60", "during"),
)
VENDORS = (
    ("sz-assembly", "Shenzhen Assembly Works", "contract-manufacturer", "CN"),
    ("hsinchu-design", "Hsinchu Design House", "design-firm", "TW"),
    ("penang-odm", "Penang ODM Sdn Bhd", "odm", "MY"),
)
# (key, name, vendor key or INTERNAL)
PEOPLE = (
    ("amorgan", "Alex Morgan", INTERNAL),
    ("bchen", "Bo Chen", INTERNAL),
    ("cokafor", "Chidi Okafor", INTERNAL),
    ("dsilva", "Daniela Silva", INTERNAL),
    ("ekowalski", "Ewa Kowalski", INTERNAL),
    ("fnakamura", "Fumiko Nakamura", INTERNAL),
    ("gandersson", "Gustav Andersson", INTERNAL),
    ("hpatel", "Hema Patel", INTERNAL),
    ("lzhang", "Lei Zhang", "sz-assembly"),
    ("mhuang", "Min Huang", "sz-assembly"),
    ("ywu", "Yu-Ting Wu", "hsinchu-design"),
    ("klin", "Kai Lin", "hsinchu-design"),
    ("nrahman", "Nurul Rahman", "penang-odm"),
)
# Which vendors work on which engagement (a vendor inventor makes a disclosure joint).
ENGAGEMENT_VENDORS = {
    "ORION-2025": ("sz-assembly", "hsinchu-design"),
    "NOVA-2026": ("penang-odm",),
    "HELIX-2024": ("hsinchu-design",),
    "VEGA-2026": ("sz-assembly", "penang-odm"),
}

ADJECTIVES = (
    "adaptive", "low-power", "sensorless", "redundant", "modular", "self-calibrating",
    "fault-tolerant", "passive", "hybrid", "compact", "thermal", "wireless", "predictive",
    "isolated", "flexible", "sealed", "bidirectional", "distributed", "layered", "tamper-evident",
)
NOUNS = (
    "battery", "cell", "balancer", "charger", "inverter", "gimbal", "motor", "encoder",
    "thermostat", "sensor", "antenna", "enclosure", "connector", "heatsink", "firmware",
    "bootloader", "gasket", "hinge", "housing", "display", "electrode", "patch", "amplifier",
    "regulator", "converter", "oscillator", "filter", "bracket", "harness", "fixture",
    "spreader", "coil", "transformer", "shield", "lens", "valve", "pump", "fan", "relay",
    "capacitor", "resistor", "diode", "mosfet", "busbar", "graphene", "graphite", "graph",
    "laminate", "potting", "solder", "stencil", "reflow", "panel", "substrate", "via",
)
TECHNIQUES = (
    "impedance spectroscopy", "pulse charging", "field-oriented control", "dead-time compensation",
    "kalman filtering", "over-the-air update", "secure boot", "thermal throttling",
    "coulomb counting", "adaptive hysteresis", "spread-spectrum clocking", "burst-mode sensing",
    "graph-based scheduling", "ultrasonic welding", "insert moulding", "conformal coating",
    "laser trimming", "in-circuit test", "boundary scan", "active clamping",
)
CONNECTORS = ("for", "with", "using", "via", "in", "on")
COMMON = (
    "the", "a", "of", "and", "to", "in", "is", "for", "with", "on", "by", "that", "when",
    "which", "each", "from", "at", "as", "so", "than", "while", "without", "between",
)
ENGINEERING = (
    "voltage", "current", "temperature", "signal", "noise", "ripple", "latency", "power",
    "efficiency", "tolerance", "calibration", "threshold", "sample", "frame", "packet", "register",
    "interrupt", "duty", "cycle", "phase", "frequency", "gain", "offset", "drift", "margin",
    "assembly", "yield", "fixture", "test", "station", "torque", "stiffness", "vibration",
    "moisture", "adhesive", "screw", "clip", "rib", "boss", "tab", "slot", "groove", "seal",
    "reduces", "improves", "prevents", "measures", "detects", "estimates", "controls",
    "limits", "switches", "stores", "compensates", "aligns", "protects", "monitors",
)
_SYLLABLES = (
    "ka", "zo", "ri", "tan", "vel", "mor", "qui", "lex", "dra", "ph", "ost", "un", "ber",
    "cy", "nth", "ea", "lo", "mi", "tor", "gra", "xe", "ul", "vo", "sta", "ne", "pri", "quo",
)


# Rows per write transaction: small enough that one transaction's pages fit the page cache
# (storage/engine.py) and the write lock is held about a second at a time, large enough that
# commits (two fsyncs each) cost little (docs/PERFORMANCE.md, "Big writes").
BATCH = 2000


@dataclass(frozen=True, slots=True)
class SeedResult:
    """What seed() added: how many disclosures and their keys' range."""

    count: int
    first_key: str
    last_key: str
    seconds: float


def _rare_words(rng: random.Random, n: int) -> list[str]:
    """Made-up part names and jargon: the long tail that makes rare searches selective."""
    words: set[str] = set()
    while len(words) < n:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def _sentence_pool(rng: random.Random, size: int) -> list[str]:
    """Sentences whose words follow a Zipf-like law: a few words everywhere, many words rare."""
    vocabulary = [*ENGINEERING, *NOUNS, *ADJECTIVES, *_rare_words(rng, 3000)]
    weights = list(accumulate(1.0 / (rank + 1) for rank in range(len(vocabulary))))
    pool = []
    for _ in range(size):
        words = rng.choices(vocabulary, cum_weights=weights, k=rng.randint(6, 11))
        glue = [w for pair in zip(words, rng.choices(COMMON, k=len(words)), strict=True)
                for w in pair]
        pool.append(" ".join(glue).capitalize() + ".")
    return pool


def _title(rng: random.Random) -> str:
    return " ".join((
        rng.choice(ADJECTIVES).capitalize(),
        rng.choice(NOUNS),
        rng.choice(NOUNS),
        rng.choice(CONNECTORS),
        rng.choice(TECHNIQUES),
    ))


def _paragraph(rng: random.Random, pool: list[str], chars: int) -> str:
    parts: list[str] = []
    size = 0
    while size < chars:
        sentence = rng.choice(pool)
        parts.append(sentence)
        size += len(sentence) + 1
    return " ".join(parts)


def _reference_records(store: Store) -> tuple[dict[str, int], dict[str, tuple[int, str, str]]]:
    """Create (or find) the engagements, vendors and people; return their ids.

    Returns engagement key -> id, and person key -> (id, organization key, organization name).
    """
    from firstfile.storage import upserts
    from firstfile.storage.tables import Engagement, EngagementVendor, Person, Vendor

    with store.write() as db:
        vendors: dict[str, tuple[int, str]] = {}
        for key, name, kind, country in VENDORS:
            vendor, _ = upserts.upsert(
                db=db, model=Vendor, match={"key": key},
                values={"name": name, "kind": kind, "country": country},
                actor="seed", entity="vendor", entity_key=key,
            )
            vendors[key] = (int(vendor.id), name)  # type: ignore[arg-type]
        engagements: dict[str, int] = {}
        for key, name, product, phase in ENGAGEMENTS:
            engagement, _ = upserts.upsert(
                db=db, model=Engagement, match={"key": key},
                values={"name": name, "product": product, "phase": phase},
                create_only={"created_at": upserts.now()}, actor="seed", entity="engagement",
                entity_key=key,
            )
            engagements[key] = int(engagement.id)  # type: ignore[arg-type]
            for vendor_key in ENGAGEMENT_VENDORS[key]:
                upserts.link(db=db, model=EngagementVendor,
                             keys={"engagement_id": engagement.id,
                                   "vendor_id": vendors[vendor_key][0]},
                             actor="seed", entity="engagement", entity_key=key,
                             field="vendors", linked=vendor_key)
        people: dict[str, tuple[int, str, str]] = {}
        for key, name, organization in PEOPLE:
            vendor_id = vendors[organization][0] if organization != INTERNAL else None
            person, _ = upserts.upsert(
                db=db, model=Person, match={"key": key},
                values={"name": name, "email": f"{key}@example.com", "vendor_id": vendor_id},
                actor="seed", entity="person", entity_key=key,
            )
            org_name = vendors[organization][1] if organization != INTERNAL else ""
            people[key] = (int(person.id), organization, org_name)  # type: ignore[arg-type]
    return engagements, people


def _claim_numbers(store: Store, per_year: dict[int, int]) -> dict[int, int]:
    """Reserve per_year[year] key numbers in each year; return the first number of each range.

    Reserving through the key counter means disclosures logged later never reuse a seeded key.
    """
    from sqlalchemy import select

    from firstfile.storage import sequences
    from firstfile.storage.tables import KeySequence

    first: dict[int, int] = {}
    with store.write() as db:
        for year, needed in sorted(per_year.items()):
            last = db.execute(select(KeySequence.last).where(KeySequence.year == year)).scalar()
            first[year] = int(last or 0) + 1
            sequences.reserve_at_least(db=db, year=year, number=first[year] + needed - 1)
    return first


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def seed(
    store: Store,
    n: int,
    *,
    batch: int = BATCH,
    rng_seed: int = 2026,
    now: datetime | None = None,
    progress: Callable[[int, float], None] | None = None,
) -> SeedResult:
    """Insert n disclosures (with engagements, vendors, people and inventors) into store.

    Creation times spread evenly over the three years before `now`, updates fall at random
    after creation, 40% are submitted, and about one in six names a vendor's engineer as an
    inventor (a joint invention). Each batch is one transaction; after each, the planner's
    statistics are refreshed once the table has doubled (storage/engine.py). progress is
    called after each batch with the rows added so far and the seconds since the start.
    """
    from sqlalchemy import insert, select

    from firstfile.storage.engine import refresh_statistics_after_growth
    from firstfile.storage.tables import Disclosure, DisclosureInventor

    started = time.perf_counter()
    if n <= 0:
        return SeedResult(0, "", "", 0.0)
    rng = random.Random(rng_seed)
    now = now or datetime.now(UTC)
    engagements, people = _reference_records(store)
    internal = [k for k, _n, org in PEOPLE if org == INTERNAL]
    names = {k: name for k, name, _org in PEOPLE}
    by_vendor = {v[0]: [k for k, _n, org in PEOPLE if org == v[0]] for v in VENDORS}
    pool = _sentence_pool(rng, 4000)

    span = timedelta(days=3 * 365)
    created = [now - span + span * (i + 0.5) / n for i in range(n)]
    per_year: dict[int, int] = {}
    for moment in created:
        per_year[moment.year] = per_year.get(moment.year, 0) + 1
    next_number = _claim_numbers(store, per_year)

    disclosure_table = Disclosure.__table__  # type: ignore[attr-defined]
    inventor_table = DisclosureInventor.__table__  # type: ignore[attr-defined]
    keys: list[str] = []
    for chunk in _chunks(created, batch):
        rows: list[dict[str, Any]] = []
        teams: list[list[tuple[str, str]]] = []
        for created_at in chunk:
            key = disclosure_key(created_at.year, next_number[created_at.year])
            next_number[created_at.year] += 1
            keys.append(key)
            engagement = rng.choice(ENGAGEMENTS)[0]
            team = [(k, "inventor") for k in rng.sample(internal, rng.randint(1, 3))]
            if rng.random() < 0.17:
                vendor = rng.choice(ENGAGEMENT_VENDORS[engagement])
                team.append((rng.choice(by_vendor[vendor]), "inventor"))
            if rng.random() < 0.2:
                extra = rng.choice([k for k in internal if k not in dict(team)] or internal)
                if extra not in dict(team):
                    team.append((extra, "contributor"))
            teams.append(team)
            updated_at = min(now, created_at + timedelta(days=rng.expovariate(1 / 30)))
            submitted = rng.random() < 0.4
            rows.append({
                "key": key,
                "title": _title(rng),
                "status": "submitted" if submitted else "draft",
                "engagement_id": engagements[engagement],
                "phase": rng.choice(("pre", "during", "post")),
                "submitter": names[team[0][0]],
                "business_unit": rng.choice(("Power", "Motion", "Health", "Home")),
                "submitted_on": updated_at.date() if submitted else None,
                "summary": _paragraph(rng, pool, 160),
                "problem": _paragraph(rng, pool, 240),
                "description": _paragraph(rng, pool, 1500),
                "variants": "",
                "advantages": _paragraph(rng, pool, 120),
                "prior_art": "",
                "conception_date": (created_at - timedelta(days=rng.randint(1, 60))).date(),
                "reduction_to_practice_date": None,
                "prototype_exists": rng.random() < 0.5,
                "records_location": "",
                "third_parties": "",
                "jurisdictions": rng.choice(("US", "US, EP", "US, CN", "")),
                "reverse_engineerable": rng.choice((True, False, None)),
                "completed_in_china": engagement in ("ORION-2025", "VEGA-2026")
                and rng.random() < 0.3,
                "joint": any(people[k][1] != INTERNAL and role == "inventor" for k, role in team),
                "source_idea_id": None,
                "deleted_at": None,
                "created_at": created_at,
                "updated_at": updated_at,
                "version": 1,
            })
        with store.write() as db:
            conn = db.connection()
            # A plain executemany: RETURNING would make SQLAlchemy send one row per statement.
            conn.execute(insert(disclosure_table), rows)
            batch_keys = [row["key"] for row in rows]
            found = conn.execute(
                select(disclosure_table.c.key, disclosure_table.c.id)
                .where(disclosure_table.c.key.in_(batch_keys))
            )
            id_of = {key: disclosure_id for key, disclosure_id in found}
            ids = [id_of[k] for k in batch_keys]
            links: list[dict[str, Any]] = []
            for disclosure_id, team in zip(ids, teams, strict=True):
                inventors = [k for k, role in team if role == "inventor"]
                for position, (person_key, role) in enumerate(team):
                    person_id, org_key, org_name = people[person_key]
                    links.append({
                        "disclosure_id": disclosure_id,
                        "person_id": person_id,
                        "position": position,
                        "role": role,
                        "contribution": round(100 / len(inventors), 1)
                        if role == "inventor" else None,
                        "organization_key": org_key,
                        "organization_name": org_name,
                    })
            conn.execute(insert(inventor_table), links)
        refresh_statistics_after_growth(store)
        if progress is not None:
            progress(len(keys), time.perf_counter() - started)
    return SeedResult(n, keys[0], keys[-1], time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    """python benchmarks/seed.py DB N: open (creating and migrating) DB and add N disclosures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", help="database file or URL (created and migrated if new)")
    parser.add_argument("n", type=int, help="how many disclosures to add")
    parser.add_argument("--batch", type=int, default=BATCH, help="rows per transaction")
    args = parser.parse_args(argv)
    from firstfile.storage.engine import open_store

    marks: list[tuple[int, float]] = [(0, 0.0)]

    def progress(done: int, seconds: float) -> None:
        marks.append((done, seconds))

    store = open_store(args.db)
    try:
        result = seed(store, args.n, batch=args.batch, progress=progress)
    finally:
        store.dispose()
    rate = result.count / result.seconds if result.seconds else 0.0
    print(f"added {result.count:,} disclosures ({result.first_key} .. {result.last_key}) "
          f"in {result.seconds:.1f} s, {rate:,.0f} rows/s")
    first, last = _rate_between(marks, 0, 10_000), _rate_between(marks, args.n - 10_000, args.n)
    if args.n >= 20_000 and first and last:
        print(f"first 10,000 rows {first:,.0f} rows/s, last 10,000 {last:,.0f} rows/s "
              f"({last / first:.2f}x)")
    return 0


def _rate_between(marks: list[tuple[int, float]], start: int, end: int) -> float:
    """Rows per second from the batch ending nearest start to the one ending nearest end."""
    def nearest(count: int) -> tuple[int, float]:
        return min(marks, key=lambda mark: abs(mark[0] - count))

    (a, t_a), (b, t_b) = nearest(start), nearest(end)
    return (b - a) / (t_b - t_a) if t_b > t_a else 0.0


if __name__ == "__main__":
    sys.exit(main())
