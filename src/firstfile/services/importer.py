"""Loading interchange files into the database: checked in full first, then merged in groups.

An import runs in two passes over the same code. The check pass reads the database (a read
unit of work, no write lock) and finds every conflict and every refusal without writing
anything; only a file that passes it is written. Records are matched by key (components and
sessions by key within the engagement; a disclosure without a key by engagement and title),
and merged field by field with domain/merge.py (docs/FORMAT.md): a value the file leaves out
is kept, a blank one is filled, a different one is a conflict that stops the import unless
the policy says otherwise. Status never goes back, events are only added, deleted records and
records of another engagement are left alone. Only differences are written, each with its
audit record, so importing the same file twice changes nothing.

The write pass commits groups of records (plan_groups: about GROUP_SIZE disclosures' worth
each, in dependency order) in short transactions: as many groups to one as fit in the second
or so an import holds the lock before it leaves it free for other writers (or one group each,
of the size a caller gives), so a long import never keeps them waiting for longer than that.
New disclosures are written with bulk
statements per table (services/import_bulk.py), which write exactly what the per-record
path (services/disclosures.py, still used with bulk=False) writes.

"All or nothing" then means: nothing is written unless every file is valid and agrees with
the database; each group is committed whole or not at all; and since the import is
idempotent, running it again after a crash or an error part-way finds the committed groups
unchanged and writes the rest.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Any, cast

from sqlalchemy import select
from sqlmodel import Session, col

from firstfile.domain import workflow
from firstfile.domain.attachments import AttachmentRefused, check_file, check_totals
from firstfile.domain.disclosure import (
    DisclosureDraft,
    InventorEntry,
    Problem,
    errors,
    validate,
)
from firstfile.domain.merge import (
    CLEARS,
    FILL,
    NO_BLANK,
    SAME,
    merge_value,
    shown_value,
    stage_move,
)
from firstfile.domain.risk.vendor_risk import safeguard_items
from firstfile.domain.sessions import PARKED
from firstfile.domain.strategy_record import RecordedStrategy, changes_between
from firstfile.domain.tracers import Tracer
from firstfile.domain.views import DisclosureView, EventView
from firstfile.domain.vocabulary import ENGAGEMENT_PHASES, INTERNAL
from firstfile.interchange.document import (
    ComponentDoc,
    DisclosureDoc,
    IdeaDoc,
    InterchangeDocument,
    PersonDoc,
    SessionDoc,
    SittingDoc,
    VendorDoc,
)
from firstfile.services import disclosures as disclosure_service
from firstfile.services import interchange_risk
from firstfile.services.agreements import checklist_items
from firstfile.services.attachments import NewFile, attach_in
from firstfile.services.disclosures import INVENTOR_DETAILS
from firstfile.services.errors import UserError, ValidationFailed
from firstfile.services.import_bulk import FileKeys, NewDisclosure, insert_disclosures
from firstfile.services.import_prepared import Preparation
from firstfile.services.process_memory import held_still
from firstfile.services.races import retried
from firstfile.storage import audit, strategy_queries, tracer_queries, upserts
from firstfile.storage.attachment_queries import attached
from firstfile.storage.disclosure_queries import build_views
from firstfile.storage.engine import Store, refresh_statistics_after_growth
from firstfile.storage.session_queries import sitting_rows
from firstfile.storage.tables import (
    Component,
    ComponentVendor,
    Disclosure,
    Engagement,
    EngagementVendor,
    ExtractionSession,
    Idea,
    IdeaAuthor,
    Person,
    SessionComponent,
    SessionParticipant,
    SessionSitting,
    Vendor,
)


class Policy(StrEnum):
    """What an import does with a conflict (a field whose stored and file values differ)."""

    REFUSE = "refuse"  # report every conflict and write nothing (the default)
    OVERWRITE = "overwrite"  # write the file's value, where an import may (firstfile import
    # --overwrite): never a status move, an event removal, a cleared value or another
    # engagement's record
    KEEP = "keep"  # keep the stored value (firstfile demo: the samples never revert work)


@dataclass(frozen=True, slots=True)
class ImportConflict:
    """One value the file and the database disagree on, where the file says it."""

    where: str  # file:line: path
    record: str  # what the record is called: a disclosure key, ENGAGEMENT/SESSION#N
    message: str  # what the database has and what the file says, and what to do
    overridable: bool = True  # False when even --overwrite may not write the file's value

    def __str__(self) -> str:
        return f"{self.where}: {self.record}: {self.message}"


class ImportRefused(UserError):
    """The file conflicts with the database; nothing was written. ``lines`` lists each."""

    def __init__(self, conflicts: list[ImportConflict]) -> None:
        self.conflicts = conflicts
        self.lines = [str(c) for c in conflicts]
        super().__init__("\n".join(self.lines))

    @property
    def overridable(self) -> bool:
        """True when --overwrite would resolve every conflict listed."""
        return all(c.overridable for c in self.conflicts)


@dataclass
class ImportReport:
    """What an import did, per kind of record: created / updated / unchanged / skipped counts,
    with notes on values it kept (``kept`` counts the conflicts the policy kept)."""

    source: str
    outcomes: Counter[str] = field(default_factory=Counter)
    disclosure_keys: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    kept: int = 0

    def count(self, kind: str, outcome: str) -> None:
        self.outcomes[f"{kind} {outcome}"] += 1

    @property
    def changed(self) -> bool:
        return any(n for name, n in self.outcomes.items()
                   if name.endswith(("created", "updated")))

    def summary(self) -> str:
        parts = [f"{n} {name}" for name, n in sorted(self.outcomes.items()) if n]
        if self.kept:
            parts.append(f"{self.kept} value{'s' if self.kept > 1 else ''} kept as changed "
                         "in firstfile")
        return f"{self.source}: " + (", ".join(parts) if parts else "nothing to import")


@retried
@held_still()  # the document, alive throughout, is never garbage while it is written
def import_document(
    store: Store,
    doc: InterchangeDocument,
    *,
    actor: str,
    source: str = "",
    policy: Policy = Policy.REFUSE,
    group_size: int | None = None,
    progress: Callable[[GroupWritten], None] | None = None,
    checked: bool = False,
    templates_dir: Path | None = None,
    bulk: bool = True,
) -> ImportReport:
    """Check doc against the database, then write it in groups; see the module docstring.

    Raises ImportRefused (nothing written) when the file conflicts with the database and the
    policy does not resolve it, ValidationFailed when a merged record breaks a domain rule,
    ImportStopped when writing fails after some groups were committed. progress is called
    for each group once it is committed, with what it held. group_size makes groups of that
    many disclosures' worth, each its own transaction; by default, groups of GROUP_SIZE are
    written as many to a transaction as fit before the lock is left free (_Turns.room).
    checked=True skips the check pass for
    a caller that has just run check_document itself (each group is checked again as it is
    written all the same). templates_dir is the user's template folder: its agreement
    checklist says which safeguards are checklist terms (services/interchange_risk.py).
    bulk=False writes new disclosures one by one through services/disclosures.py, in groups
    of ROW_GROUP_SIZE unless group_size is given (the reference the bulk path is tested
    against).
    """
    if not checked:
        check_document(store, doc, actor=actor, policy=policy)
    report = ImportReport(source=source or doc.source or doc.engagement.key)
    term_items = safeguard_items(checklist_items(templates_dir).items)
    groups = plan_groups(doc, group_size or (GROUP_SIZE if bulk else ROW_GROUP_SIZE))
    turns = _Turns(store)
    file_keys = FileKeys()
    preparation = Preparation(doc)
    written = 0  # groups committed
    while written < len(groups):
        started = time.monotonic()
        room = turns.room()
        taken: list[Group] = []
        full = False  # stopped taking groups because the next would not fit in room
        try:
            with store.write() as db:
                run = _Run(db=db, doc=doc, actor=actor, policy=policy, write=True,
                           report=report, term_items=term_items, bulk=bulk,
                           file_keys=file_keys, preparation=preparation)
                while True:
                    group = groups[written + len(taken)]
                    run.merge(group.units)
                    run.raise_conflicts()
                    taken.append(group)
                    if group_size is not None or written + len(taken) == len(groups):
                        break
                    if not _another_fits(time.monotonic() - started, len(taken), room):
                        full = True
                        break
            refresh_statistics_after_growth(store)
        except Exception as exc:  # whatever stopped it, say which groups are already written
            if written == 0:
                raise
            raise ImportStopped(report.source, written, len(groups), exc) from exc
        for group in taken:
            written += 1
            if progress is not None:
                progress(GroupWritten(report.source, written, len(groups), group,
                                      group.describe(doc)))
        if written < len(groups):
            upcoming = (unit.index for later in groups[written:] for unit in later.units
                        if unit.kind == DISCLOSURE)
            turns.take(time.monotonic() - started, partial(preparation.ahead, upcoming),
                       due=full)
    return report


def _another_fits(seconds: float, taken: int, room: float) -> bool:
    """Whether a write transaction that has held taken groups for seconds takes the next
    one too: whether, at its pace so far, it would still end within room seconds."""
    return seconds * (taken + 1) / taken <= room


@held_still()
def check_document(
    store: Store, doc: InterchangeDocument, *, actor: str, policy: Policy = Policy.REFUSE
) -> ImportReport:
    """The check pass alone: what importing doc would do, without writing or locking.

    Raises ImportRefused or ValidationFailed as import_document would.
    """
    report = ImportReport(source=doc.source or doc.engagement.key)
    with store.read() as db:
        run = _Run(db=db, doc=doc, actor=actor, policy=policy, write=False, report=report,
                   preparation=Preparation(doc))
        run.merge(_units(doc))
        run.raise_conflicts()
    return report


# --- the records of a document, in the order they depend on each other, and in groups -------

# How much one write transaction holds, in disclosures' worth of writing: an engagement,
# vendor, person or component counts a fifth, a session one plus a tenth per idea. New
# disclosures written with bulk statements take 1-2 ms each with their checks and full-text
# index (several on a loaded machine), so a group holds the write lock for well under a
# second, and under two at a load of 8 on 2 cores (docs/PERFORMANCE.md, "Portfolio scale").
# Written record by record through the ORM (15-25 ms each), groups are ROW_GROUP_SIZE.
GROUP_SIZE = 250
ROW_GROUP_SIZE = 25
_WEIGHTS = {"engagement": 0.2, "vendor": 0.2, "person": 0.2, "component": 0.2,
            "risk analysis": 1.0, "strategy": 1.0, "disclosure": 1.0}
# SQLite's busy handler lets a waiting writer look for the lock about every 100 ms, so a
# writer that takes it straight back after each commit could keep the others out all along.
# After holding it this long, an import leaves it free for a moment longer than that.
YIELD_AFTER_SECONDS = 1.0
YIELD_SECONDS = 0.15
# One transaction holds as many groups as fit in the time the import holds the lock before
# it leaves it free anyway (_Turns.room), and the lock is left free after it: fewer commits
# are fewer syncs to disk and fewer, larger segments of the full-text index. The longest wait
# of another writer stays about that second; what it costs is that a writer who asks in the
# middle of it waits for the rest of it, where a commit after each group of 250 would often
# have let it in sooner (docs/PERFORMANCE.md, "Groups written together"). Groups given their
# size by the caller are each their own transaction, as the caller asked.

ENGAGEMENT, VENDOR, PERSON, COMPONENT, RISK, STRATEGY, SESSION, DISCLOSURE = (
    "engagement", "vendor", "person", "component", "risk analysis", "strategy", "session",
    "disclosure")


@dataclass(frozen=True, slots=True)
class Unit:
    """One record of a document: its kind and its place in the document's list of that kind."""

    kind: str
    index: int = 0


@dataclass(frozen=True, slots=True)
class Group:
    """Records written together in one transaction: committed whole, or not at all."""

    units: tuple[Unit, ...]

    def describe(self, doc: InterchangeDocument) -> str:
        """What the group holds, for the progress line: "100 disclosures (FF-... to FF-...)"."""
        kinds = Counter(unit.kind for unit in self.units)
        parts = [f"{n} {_PLURALS[kind] if n > 1 else kind}" for kind, n in kinds.items()]
        keys = [doc.disclosures[u.index].key for u in self.units if u.kind == DISCLOSURE]
        keys = [k for k in keys if k]
        if keys:
            parts[-1] += f" ({keys[0]} to {keys[-1]})" if len(keys) > 1 else f" ({keys[0]})"
        return ", ".join(parts)


_PLURALS = {ENGAGEMENT: "engagements", VENDOR: "vendors", PERSON: "people",
            COMPONENT: "components", RISK: "risk analyses", STRATEGY: "strategies",
            SESSION: "sessions",
            DISCLOSURE: "disclosures"}


@dataclass(frozen=True, slots=True)
class GroupWritten:
    """The signal that a group was committed (the import's progress)."""

    source: str
    number: int  # 1-based
    total: int
    group: Group
    what: str  # Group.describe: "100 disclosures (FF-2026-0101 to FF-2026-0200)"


class ImportStopped(UserError):
    """Writing failed after some groups were committed; they are in the database, whole.

    Running the same import again completes it: it is idempotent, so the groups already
    written are found unchanged and the rest are written.
    """

    def __init__(self, source: str, written: int, total: int, cause: Exception) -> None:
        self.source = source
        self.written = written
        self.total = total
        self.cause = cause
        super().__init__(f"{source}: the import stopped after {written} of {total} groups "
                         f"were written: {cause}")


def plan_groups(doc: InterchangeDocument, size: int = GROUP_SIZE) -> list[Group]:
    """The document's records in write order, cut into groups of about size disclosures'
    worth. A record is never split, and a session goes with all its ideas."""
    groups: list[Group] = []
    current: list[Unit] = []
    weight = 0.0
    for unit in _units(doc):
        if unit.kind == SESSION:
            unit_weight = 1 + len(doc.sessions[unit.index].ideas) / 10
        else:
            unit_weight = _WEIGHTS[unit.kind]
        if current and weight + unit_weight > size:
            groups.append(Group(tuple(current)))
            current, weight = [], 0.0
        current.append(unit)
        weight += unit_weight
    groups.append(Group(tuple(current)))
    return groups

def _strategy_and_tracers(run: _Run) -> None:
    """The engagement's filing-strategy inputs and its tracer register, once the vendors
    they name are written."""
    engagement = run.engagement()
    if run.doc.strategy is not None:
        _import_strategy(run, engagement, run.doc.strategy)
    for index, tracer in enumerate(run.doc.tracers):
        _import_tracer(run, tracer, f"tracers[{index}]")


def _import_strategy(run: _Run, engagement: Engagement | None,
                     strategy: RecordedStrategy) -> None:
    """Record the file's strategy inputs where none are recorded; different ones recorded are
    a conflict like any other (they are one record: written whole with --overwrite)."""
    key = run.doc.engagement.key
    if engagement is None:  # a new engagement, in the check pass
        run.report.count("strategy", "created")
        return
    old = strategy_queries.recorded_strategy(db=run.db, engagement=engagement)
    new = replace(strategy, engagement=key)
    changes = changes_between(old, new)
    if not changes:
        run.report.count("strategy", "unchanged")
        return
    action = "import"
    if not old.is_empty:
        differ = ", ".join(sorted(changes))
        if not run.refuse("strategy", f"the filing strategy of {key}",
                          f"the database records other inputs ({differ})", overridable=True):
            return
        action = "overwrite"
    if run.write:
        strategy_queries.store_strategy(db=run.db, engagement=engagement, record=new)
        audit.record(db=run.db, actor=run.actor, entity="strategy", entity_key=key,
                     action=action, changes=changes)
    run.report.count("strategy", "created" if old.is_empty else "updated")


def _import_tracer(run: _Run, tracer: Tracer, path: str) -> None:
    """Add a register entry the database does not hold; one it holds must match it exactly.

    An entry is evidence: an import never changes or removes one.
    """
    tracer = replace(tracer, engagement=run.doc.engagement.key)
    existing = tracer_queries.tracer_by_code(db=run.db, code=tracer.code)
    if existing == tracer:
        run.report.count("tracer", "unchanged")
        return
    if existing is not None:
        run.refuse(path, f"tracer {tracer.code}",
                   f"the register already holds it for vendor {existing.vendor}, component "
                   f"{existing.component} of {existing.engagement} on "
                   f"{existing.issued_on.isoformat()}; the file gives it to vendor "
                   f"{tracer.vendor}, component {tracer.component}: a register entry is never "
                   "changed by an import")
        return
    if run.write:
        engagement = run.engagement()
        assert engagement is not None
        vendor_id = _required(run.vendor_id(tracer.vendor), "vendor", tracer.vendor)
        tracer_queries.add_tracer(db=run.db, tracer=tracer, engagement_id=engagement.id or 0,
                                  vendor_id=vendor_id)
        audit.record(db=run.db, actor=run.actor, entity="tracer", entity_key=tracer.code,
                     action="import",
                     changes={"engagement": (None, tracer.engagement),
                              "component": (None, tracer.component),
                              "vendor": (None, tracer.vendor), "kind": (None, tracer.kind),
                              "issued_on": (None, tracer.issued_on),
                              "code": (None, tracer.code)})
    run.report.count("tracer", "created")


class _Turns:
    """Lets other writers in between groups: see YIELD_AFTER_SECONDS. The import's own work
    that needs no lock fills the moment it leaves the lock free (services/import_prepared.py).
    """

    def __init__(self, store: Store) -> None:
        self.sqlite = store.is_sqlite
        self.held = 0.0

    def room(self) -> float:
        """How much longer the import may hold the lock before it leaves it free."""
        return max(YIELD_AFTER_SECONDS - self.held, 0.0)

    def take(self, seconds: float, meanwhile: Callable[[float], object], *,
             due: bool = False) -> None:
        """Called after a transaction held the write lock for seconds; meanwhile(until) does
        work without the lock until time.monotonic() reaches until, when the lock is left
        free. due: the transaction used up the room it had, so the lock is left free now."""
        if not self.sqlite:
            return  # PostgreSQL locks rows, not the database: other writers do not wait
        self.held += seconds
        if self.held >= YIELD_AFTER_SECONDS or due:
            until = time.monotonic() + YIELD_SECONDS
            meanwhile(until)
            left = until - time.monotonic()
            if left > 0:
                time.sleep(left)
            self.held = 0.0


def _units(doc: InterchangeDocument) -> list[Unit]:
    return [
        Unit(ENGAGEMENT),
        *(Unit(VENDOR, i) for i in range(len(doc.vendors))),
        *(Unit(PERSON, i) for i in range(len(doc.people))),
        *(Unit(COMPONENT, i) for i in range(len(doc.components))),
        # The tree, decisions, pins, actions, safeguards and critical sets, once every
        # component and vendor they name is written.
        Unit(RISK),
        # The filing-strategy inputs and the tracer register, which name vendors.
        Unit(STRATEGY),
        *(Unit(SESSION, i) for i in range(len(doc.sessions))),
        *(Unit(DISCLOSURE, i) for i in range(len(doc.disclosures))),
    ]


# --- one pass over a set of records -------------------------------------------------------


@dataclass
class _Run:
    """One pass (check or write) over records of one document, inside one unit of work."""

    db: Session
    doc: InterchangeDocument
    actor: str
    policy: Policy
    write: bool
    report: ImportReport
    # The disclosures' work that needs no database; the write pass shares one across its
    # groups, prepared ahead while other writers have their turn.
    preparation: Preparation
    term_items: dict[str, str] = field(default_factory=dict)
    conflicts: list[ImportConflict] = field(default_factory=list)
    vendor_ids: dict[str, int] = field(default_factory=dict)
    person_ids: dict[str, int] = field(default_factory=dict)
    component_ids: dict[str, int] = field(default_factory=dict)
    _engagement: Engagement | None = None
    # New disclosures go in with bulk statements (write pass): queued in document order
    # and written before the next stored disclosure is merged, so rows keep their order.
    bulk: bool = False
    file_keys: FileKeys = field(default_factory=FileKeys)
    queued: list[tuple[int, NewDisclosure]] = field(default_factory=list)

    # -- the pass ----------------------------------------------------------------------------

    def merge(self, units: Iterable[Unit]) -> None:
        """Merge each record; disclosures go in batches, read together."""
        batch: list[int] = []
        for unit in units:
            if unit.kind == DISCLOSURE:
                batch.append(unit.index)
                continue
            {
                ENGAGEMENT: lambda _: _engagement(self),
                VENDOR: lambda i: _vendor(self, self.doc.vendors[i], f"vendors[{i}]"),
                PERSON: lambda i: _person(self, self.doc.people[i], f"people[{i}]"),
                COMPONENT: lambda i: _component(self, self.doc.components[i],
                                                f"components[{i}]"),
                RISK: lambda _: _risk(self),
                STRATEGY: lambda _: _strategy_and_tracers(self),
                SESSION: lambda i: _session(self, self.doc.sessions[i], f"sessions[{i}]"),
            }[unit.kind](unit.index)
        for start in range(0, len(batch), _READ_BATCH):
            _disclosures(self, batch[start:start + _READ_BATCH])

    def queue(self, new: NewDisclosure) -> None:
        """Hold a new disclosure for write_queued; its key takes its place in the report."""
        self.queued.append((len(self.report.disclosure_keys), new))
        self.report.disclosure_keys.append("")

    def write_queued(self) -> None:
        """Write the queued new disclosures with bulk statements."""
        if not self.queued:
            return
        keys = insert_disclosures(db=self.db, new=[new for _, new in self.queued],
                                  actor=self.actor, keys=self.file_keys)
        for (place, _), key in zip(self.queued, keys, strict=True):
            self.report.disclosure_keys[place] = key
        self.queued.clear()

    def raise_conflicts(self) -> None:
        """Stop with every conflict found, before anything of this pass is committed."""
        if self.conflicts:
            raise ImportRefused(self.conflicts)

    # -- the merge rule ----------------------------------------------------------------------

    def fields(
        self, *, path: str, record: str, stored: dict[str, Any], incoming: dict[str, Any],
        blanks: dict[str, Any] | None = None, fixed: tuple[str, ...] = (),
    ) -> tuple[dict[str, tuple[Any, Any]], dict[str, tuple[Any, Any]]]:
        """Merge the fields the file states: (filled, overwritten), each {name: (old, new)}.

        A field in fixed is never overwritten, whatever the policy.
        """
        blanks = blanks or {}
        filled: dict[str, tuple[Any, Any]] = {}
        overwritten: dict[str, tuple[Any, Any]] = {}
        for name, new in incoming.items():
            where = f"{path}.{name}"
            if not self.doc.states(where):
                continue
            old = stored[name]
            outcome = merge_value(old, new, blanks.get(name, NO_BLANK))
            if outcome == SAME:
                continue
            if outcome == FILL:
                filled[name] = (old, new)
            elif outcome == CLEARS:
                self.note(where, record, f"the file leaves it blank; an import never clears "
                                         f"a value, so {shown_value(old)} stays (clear it in "
                                         "firstfile)")
            elif self.conflict(where, record, old, new, overridable=name not in fixed):
                overwritten[name] = (old, new)
        return filled, overwritten

    def conflict(self, path: str, record: str, stored: Any, incoming: Any, *,
                 overridable: bool = True, hint: str = "") -> bool:
        """Deal with one conflict by the policy; True when the file's value is to be written."""
        message = (f"the database has {shown_value(stored)}, the file says "
                   f"{shown_value(incoming)}")
        return self.refuse(path, record, f"{message}; {hint}" if hint else message,
                           overridable=overridable)

    def refuse(self, path: str, record: str, message: str, *, overridable: bool = False
               ) -> bool:
        """A conflict in words: kept (KEEP), overwritten (OVERWRITE, if it may be) or listed."""
        if self.policy is Policy.KEEP:
            self.report.kept += 1
            self.note(path, record, f"kept as in the database: {message}")
            return False
        if self.policy is Policy.OVERWRITE and overridable:
            return True
        self.conflicts.append(ImportConflict(self.doc.where(path), record, message,
                                             overridable))
        return False

    def note(self, path: str, record: str, message: str) -> None:
        self.report.notes.append(f"{self.doc.where(path)}: {record}: {message}")

    def save(
        self, *, row: Any, entity: str, entity_key: str,
        filled: dict[str, tuple[Any, Any]], overwritten: dict[str, tuple[Any, Any]],
        setters: dict[str, Callable[[Any], None]] | None = None,
    ) -> bool:
        """Write the decided values with their audit records; True when anything changed.

        Filled values are audited as an "update", overwritten ones apart as an "overwrite", so
        the audit trail shows which stored values an import replaced on request.
        """
        if not (filled or overwritten):
            return False
        if not self.write:
            return True
        setters = setters or {}
        for name, (_old, new) in {**filled, **overwritten}.items():
            setter = setters.get(name)
            if setter is not None:
                setter(new)
            else:
                setattr(row, name, new)
        self.db.add(row)
        self.db.flush()
        for action, changes in (("update", filled), ("overwrite", overwritten)):
            if changes:
                audit.record(db=self.db, actor=self.actor, entity=entity,
                             entity_key=entity_key, action=action, changes=changes)
        return True

    # -- lookups by key ----------------------------------------------------------------------

    def engagement(self) -> Engagement | None:
        """The file's engagement as stored (None while it is still to be created)."""
        if self._engagement is None:
            self._engagement = self.db.execute(
                select(Engagement).where(col(Engagement.key) == self.doc.engagement.key)
            ).scalar_one_or_none()
        return self._engagement

    def vendor_id(self, key: str) -> int | None:
        return _cached_id(self.db, self.vendor_ids, Vendor, Vendor.key == key, key)

    def person_id(self, key: str) -> int | None:
        return _cached_id(self.db, self.person_ids, Person, Person.key == key, key)

    def component_id(self, key: str) -> int | None:
        engagement = self.engagement()
        if engagement is None:
            return None
        return _cached_id(self.db, self.component_ids, Component,
                          (Component.key == key) & (Component.engagement_id == engagement.id),
                          key)


_READ_BATCH = 500  # disclosures read and compared together


def _cached_id(db: Session, cache: dict[str, int], model: Any, where: Any, key: str) -> int | None:
    if key in cache:
        return cache[key]
    found = db.execute(select(model.id).where(where)).scalar()
    if found is None:
        return None
    cache[key] = int(found)
    return cache[key]


def _required(found: int | None, kind: str, key: str) -> int:
    """An id the write pass needs; the reader checked that the file defines the record."""
    if found is None:
        raise ValidationFailed([Problem(kind, f"unknown {kind} {key!r}")])
    return found


def _create(run: _Run, *, model: Any, match: dict[str, Any], values: dict[str, Any],
            entity: str, entity_key: str, create_only: dict[str, Any] | None = None) -> Any:
    """A new row with its "create" audit record of values (write pass only)."""
    row = model(**match, **values, **(create_only or {}))
    run.db.add(row)
    run.db.flush()
    audit.record(db=run.db, actor=run.actor, entity=entity, entity_key=entity_key,
                 action="create",
                 changes={k: (None, v) for k, v in values.items() if v not in (None, "")})
    return row


# --- engagement, vendors, people, components ------------------------------------------------


def _engagement(run: _Run) -> None:
    e = run.doc.engagement
    row = run.engagement()
    if row is None:
        if run.write:
            run._engagement = _create(
                run, model=Engagement,
                match={"key": e.key},
                values={"name": e.name, "product": e.product, "phase": e.phase,
                        "vendor_facing_name": e.vendor_facing_name},
                create_only={"created_at": datetime.now(UTC)}, entity="engagement",
                entity_key=e.key)
        run.report.count("engagement", "created")
        return
    record = f"engagement {e.key}"
    filled, overwritten = run.fields(
        path="engagement", record=record,
        stored={"name": row.name, "product": row.product,
                "vendor_facing_name": row.vendor_facing_name},
        incoming={"name": e.name, "product": e.product,
                  "vendor_facing_name": e.vendor_facing_name},
        blanks={"product": "", "vendor_facing_name": ""})
    if run.doc.states("engagement.phase"):
        move = stage_move(ENGAGEMENT_PHASES, row.phase, e.phase)
        if move == "behind":
            run.note("engagement.phase", record,
                     f"the engagement has moved on to {row.phase!r}; the file's {e.phase!r} "
                     "is kept out")
        elif move == "ahead":
            run.conflict("engagement.phase", record, row.phase, e.phase, overridable=False,
                         hint=f"move it with `firstfile engagements phase {e.key} {e.phase}`, "
                              "which checks the agreement checklists first")
    changed = run.save(row=row, entity="engagement", entity_key=e.key, filled=filled,
                       overwritten=overwritten)
    run.report.count("engagement", "updated" if changed else "unchanged")


def _vendor(run: _Run, v: VendorDoc, path: str) -> None:
    row = run.db.execute(select(Vendor).where(col(Vendor.key) == v.key)).scalar_one_or_none()
    competitors = "\n".join(v.competitors)
    if row is None:
        if run.write:
            row = _create(run, model=Vendor, match={"key": v.key},
                          values={"name": v.name, "kind": v.kind,
                                  "country": v.country, "competitors": competitors,
                                  "nda_signed_on": v.nda_signed_on,
                                  "nda_expires_on": v.nda_expires_on},
                          entity="vendor", entity_key=v.key)
        run.report.count("vendor", "created")
    else:
        filled, overwritten = run.fields(
            path=path, record=f"vendor {v.key}",
            stored={"name": row.name, "kind": row.kind, "country": row.country,
                    "competitors": tuple(c for c in row.competitors.split("\n") if c),
                    "nda_signed_on": row.nda_signed_on, "nda_expires_on": row.nda_expires_on},
            incoming={"name": v.name, "kind": v.kind, "country": v.country,
                      "competitors": v.competitors, "nda_signed_on": v.nda_signed_on,
                      "nda_expires_on": v.nda_expires_on},
            blanks={"competitors": (), "nda_signed_on": None, "nda_expires_on": None})
        target = row
        changed = run.save(row=row, entity="vendor", entity_key=v.key, filled=filled,
                           overwritten=overwritten,
                           setters={"competitors": lambda new: setattr(
                               target, "competitors", "\n".join(new))})
        run.report.count("vendor", "updated" if changed else "unchanged")
    if run.write:
        assert row is not None and row.id is not None
        run.vendor_ids[v.key] = row.id
        engagement = run.engagement()
        assert engagement is not None
        upserts.link(db=run.db, model=EngagementVendor,
                     keys={"engagement_id": engagement.id, "vendor_id": row.id},
                     actor=run.actor, entity="engagement", entity_key=engagement.key,
                     field="vendors", linked=v.key)


def _person(run: _Run, p: PersonDoc, path: str) -> None:
    row = run.db.execute(select(Person).where(col(Person.key) == p.key)).scalar_one_or_none()

    def vendor_id(organization: str) -> int | None:
        if organization == INTERNAL:
            return None
        return _required(run.vendor_id(organization), "vendor", organization)

    if row is None:
        if run.write:
            row = _create(run, model=Person, match={"key": p.key},
                          values={"name": p.name, "email": p.email,
                                  "vendor_id": vendor_id(p.organization)},
                          entity="person", entity_key=p.key)
        run.report.count("person", "created")
    else:
        organization = INTERNAL if row.vendor_id is None else str(run.db.execute(
            select(col(Vendor.key)).where(col(Vendor.id) == row.vendor_id)).scalar())
        filled, overwritten = run.fields(
            path=path, record=f"person {p.key}",
            stored={"name": row.name, "email": row.email, "organization": organization},
            incoming={"name": p.name, "email": p.email, "organization": p.organization},
            blanks={"email": ""})
        target = row
        changed = run.save(row=row, entity="person", entity_key=p.key, filled=filled,
                           overwritten=overwritten,
                           setters={"organization": lambda new: setattr(
                               target, "vendor_id", vendor_id(new))})
        run.report.count("person", "updated" if changed else "unchanged")
    if run.write:
        assert row is not None and row.id is not None
        run.person_ids[p.key] = row.id


def _component(run: _Run, c: ComponentDoc, path: str) -> None:
    engagement = run.engagement()
    row = None if engagement is None else run.db.execute(
        select(Component).where(col(Component.engagement_id) == engagement.id,
                                col(Component.key) == c.key)).scalar_one_or_none()
    entity_key = f"{run.doc.engagement.key}/{c.key}"
    scores = {"value_add": c.value_add, "differentiation": c.differentiation,
              "reverse_engineering_difficulty": c.reverse_engineering_difficulty}
    if row is None:
        outcome = "created"
        if run.write:
            assert engagement is not None
            row = _create(run, model=Component,
                          match={"engagement_id": engagement.id, "key": c.key},
                          values={"name": c.name, "kind": c.kind, **scores,
                                  **interchange_risk.assessment_values(None, c)},
                          entity="component", entity_key=entity_key)
    else:
        record = f"component {entity_key}"
        filled, overwritten = run.fields(
            path=path, record=record,
            stored={"name": row.name, "kind": row.kind,
                    **{name: getattr(row, name) for name in scores}},
            incoming={"name": c.name, "kind": c.kind, **scores}, blanks={"kind": ""})
        # A score's reason, the assessor and the date belong to the scores: when the import
        # writes a new score, they go with it (a reason not given for the new value is
        # cleared, services/interchange_risk.py); otherwise they follow the merge rule of any
        # field. A reason sits under `rationale` in the file, named by its score.
        assessed = interchange_risk.assessment_values(row, c)
        rescored = [name for name in scores if name in filled or name in overwritten]
        if rescored:
            target = overwritten if any(name in overwritten for name in rescored) else filled
            for name in ("assessor", "assessed_on",
                         *(f"{score}_reason" for score in rescored)):
                if getattr(row, name) != assessed[name]:
                    target[name] = (getattr(row, name), assessed[name])
        kept = [name for name in scores if name not in rescored]
        reasons = run.fields(
            path=f"{path}.rationale", record=record,
            stored={name: getattr(row, f"{name}_reason") for name in kept},
            incoming={name: assessed[f"{name}_reason"] for name in kept},
            blanks=dict.fromkeys(kept, ""))
        by = ({}, {}) if rescored else run.fields(
            path=path, record=record,
            stored={"assessor": row.assessor, "assessed_on": row.assessed_on},
            incoming={"assessor": assessed["assessor"], "assessed_on": assessed["assessed_on"]},
            blanks={"assessor": "", "assessed_on": None})
        for merged, part in ((filled, 0), (overwritten, 1)):
            merged.update({f"{name}_reason": change for name, change in reasons[part].items()})
            merged.update(by[part])
        changed = run.save(row=row, entity="component", entity_key=entity_key, filled=filled,
                           overwritten=overwritten)
        outcome = "updated" if changed else "unchanged"
    if run.write:
        assert row is not None and row.id is not None
        run.component_ids[c.key] = row.id
        # Vendors are only added: an import does not take a vendor off a component.
        for vendor_key in c.vendors:
            vendor_id = _required(run.vendor_id(vendor_key), "vendor", vendor_key)
            if upserts.link(db=run.db, model=ComponentVendor,
                            keys={"component_id": row.id, "vendor_id": vendor_id},
                            actor=run.actor, entity="component", entity_key=entity_key,
                            field="vendors", linked=vendor_key) and outcome == "unchanged":
                outcome = "updated"
    run.report.count("component", outcome)


def _risk(run: _Run) -> None:
    """The file's risk analysis (services/interchange_risk.py), in the writing pass only: it
    needs every component and vendor of the file written, and checks the tree for loops
    against what is stored."""
    engagement = run.engagement()
    if not run.write or engagement is None:
        return
    interchange_risk.import_parts(
        db=run.db, engagement=engagement, doc=run.doc,
        component_ids={c.key: _required(run.component_id(c.key), "component", c.key)
                       for c in run.doc.components},
        vendor_ids={v.key: _required(run.vendor_id(v.key), "vendor", v.key)
                    for v in run.doc.vendors},
        term_items=run.term_items, actor=run.actor, report=run.report)


# --- sessions and their ideas ---------------------------------------------------------------


def _session(run: _Run, s: SessionDoc, path: str) -> None:
    engagement = run.engagement()
    entity_key = f"{run.doc.engagement.key}/{s.key}"
    row = None if engagement is None else run.db.execute(
        select(ExtractionSession).where(col(ExtractionSession.engagement_id) == engagement.id,
                                        col(ExtractionSession.key) == s.key)).scalar_one_or_none()
    settings = {"time_box_minutes": s.time_box_minutes, "prompt_minutes": s.prompt_minutes,
                "dots_per_participant": s.dots_per_participant}
    if row is None:
        outcome = "created"
        if run.write:
            assert engagement is not None
            row = _create(
                run, model=ExtractionSession,
                match={"engagement_id": engagement.id, "key": s.key},
                values={"title": s.title,
                        "phase": s.phase, "held_on": s.date, "goal": s.goal,
                        "facilitator_id": _required(run.person_id(s.facilitator), "person",
                                                    s.facilitator),
                        **settings, "decks": ",".join(s.decks)},
                entity="session", entity_key=entity_key)
            _add_focus(run, row, s.components)
    else:
        outcome = _update_session(run, row, s, path, entity_key)
    if row is not None and row.id is not None:
        changed = False
        if run.write:
            # Participants are only added: an import takes nobody out of a room they were in.
            for person_key in s.participants:
                changed |= upserts.link(
                    db=run.db, model=SessionParticipant,
                    keys={"session_id": row.id,
                          "person_id": _required(run.person_id(person_key), "person",
                                                 person_key)},
                    actor=run.actor, entity="session", entity_key=entity_key,
                    field="participants", linked=person_key)
        changed |= _ideas(run, row.id, s, path, entity_key)
        changed |= _sittings(run, row, s, path, entity_key)
        if changed and outcome == "unchanged":
            outcome = "updated"
    run.report.count("session", outcome)


def _update_session(run: _Run, row: ExtractionSession, s: SessionDoc, path: str,
                    entity_key: str) -> str:
    facilitator = run.db.execute(
        select(col(Person.key)).where(col(Person.id) == row.facilitator_id)).scalar() or ""
    focus = tuple(sorted(run.db.execute(
        select(col(Component.key)).join(SessionComponent,
                                   col(SessionComponent.component_id) == col(Component.id))
        .where(col(SessionComponent.session_id) == row.id)).scalars()))
    stored = {"title": row.title, "phase": row.phase, "date": row.held_on,
              "facilitator": facilitator, "goal": row.goal,
              "time_box_minutes": row.time_box_minutes, "prompt_minutes": row.prompt_minutes,
              "dots_per_participant": row.dots_per_participant,
              "decks": tuple(d for d in row.decks.split(",") if d), "components": focus}
    incoming = {"title": s.title, "phase": s.phase, "date": s.date,
                "facilitator": s.facilitator, "goal": s.goal,
                "time_box_minutes": s.time_box_minutes, "prompt_minutes": s.prompt_minutes,
                "dots_per_participant": s.dots_per_participant, "decks": s.decks,
                "components": tuple(sorted(s.components))}
    record = f"session {entity_key}"
    filled, overwritten = run.fields(path=path, record=record, stored=stored,
                                     incoming=incoming,
                                     blanks={"goal": "", "decks": (), "components": ()})
    merged = {**stored, **{k: new for k, (_, new) in {**filled, **overwritten}.items()}}
    if merged["prompt_minutes"] > merged["time_box_minutes"]:
        run.refuse(f"{path}.prompt_minutes", record,
                   f"{merged['prompt_minutes']} minutes per prompt would be longer than the "
                   f"{merged['time_box_minutes']}-minute time box stored: give both in the "
                   "file")
    target = row
    setters: dict[str, Callable[[Any], None]] = {
        "date": lambda new: setattr(target, "held_on", new),
        "facilitator": lambda new: setattr(
            target, "facilitator_id", _required(run.person_id(new), "person", new)),
        "decks": lambda new: setattr(target, "decks", ",".join(new)),
        "components": lambda new: _replace_focus(run, target, new),
    }
    changed = run.save(row=row, entity="session", entity_key=entity_key, filled=filled,
                       overwritten=overwritten, setters=setters)
    return "updated" if changed else "unchanged"


def _sittings(run: _Run, row: ExtractionSession, s: SessionDoc, path: str,
              entity_key: str) -> bool:
    """Add the file's sittings the database lacks; True when any was added or closed.

    Sittings are evidence of when the room met, so none is ever rewritten: the file's are
    matched to the stored ones in order by their start; a stored open sitting the file shows
    closed gets its end; sittings after the last stored one are added. A file without
    sittings (written before they were carried) leaves them as they are. The session's
    start, end and status follow its sittings.
    """
    if not s.sittings:
        return False
    stored = sitting_rows(db=run.db, session_id=row.id or 0)
    record = f"session {entity_key}"
    changed = False
    for number, sitting in enumerate(s.sittings, start=1):
        where = f"{path}.sittings[{number - 1}]"
        if number <= len(stored):
            kept = stored[number - 1]
            start = _utc(kept.started_at)
            end = _utc(kept.ended_at) if kept.ended_at else None
            if start != sitting.started_at or (end and sitting.ended_at != end):
                run.refuse(where, record,
                           f"sitting {number} is {_when(sitting.started_at, sitting.ended_at)}"
                           f" in the file but {_when(start, end)} in the database: a sitting "
                           "is never rewritten")
                return changed
            if end is None and sitting.ended_at is not None:
                if run.write:
                    kept.ended_at = sitting.ended_at
                    _sitting_audit(run, entity_key, number, "end", sitting)
                changed = True
            continue
        previous = stored[-1] if stored else None
        if previous is not None and (previous.ended_at is None
                                     or _utc(previous.ended_at) > sitting.started_at):
            run.refuse(where, record, f"sitting {number} starts "
                       f"{sitting.started_at:%Y-%m-%d %H:%M} UTC, before sitting "
                       f"{number - 1} in the database ended")
            return changed
        if run.write:
            added = SessionSitting(session_id=row.id or 0, number=number,
                                   started_at=sitting.started_at, ended_at=sitting.ended_at)
            run.db.add(added)
            stored.append(added)
            _sitting_audit(run, entity_key, number, "start", sitting)
        changed = True
    if changed and run.write:
        last = s.sittings[-1]
        if row.started_at is None:
            row.started_at = s.sittings[0].started_at
        row.ended_at = last.ended_at
        row.status = "running" if last.ended_at is None else "ended"
        run.db.flush()
    return changed


def _sitting_audit(run: _Run, entity_key: str, number: int, action: str,
                   sitting: SittingDoc) -> None:
    audit.record(db=run.db, actor=run.actor, entity="session", entity_key=entity_key,
                 action="import", changes={
                     "sitting": (None, number),
                     f"sitting_{action}": (None, sitting.ended_at if action == "end"
                                           else sitting.started_at),
                     **({"sitting_ended_at": (None, sitting.ended_at)}
                        if action == "start" and sitting.ended_at else {})})


def _utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were written in UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _when(start: datetime, end: datetime | None) -> str:
    shown = f"{start:%Y-%m-%d %H:%M:%S}"
    return f"{shown}–{end:%Y-%m-%d %H:%M:%S} UTC" if end else f"from {shown} UTC, still open"


def _add_focus(run: _Run, row: ExtractionSession, keys: Iterable[str]) -> None:
    for key in keys:
        run.db.add(SessionComponent(session_id=row.id or 0,
                                    component_id=_required(run.component_id(key), "component",
                                                           key)))
    run.db.flush()


def _replace_focus(run: _Run, row: ExtractionSession, keys: tuple[str, ...]) -> None:
    for link in run.db.execute(select(SessionComponent).where(
            col(SessionComponent.session_id) == row.id)).scalars():
        run.db.delete(link)
    run.db.flush()
    _add_focus(run, row, keys)


def _ideas(run: _Run, session_id: int, s: SessionDoc, path: str, entity_key: str) -> bool:
    """Merge the session's ideas, their authors and their merges; True when any changed.

    Ideas are matched by their place in the session, the order the room raised them. Ideas
    the file does not list (added since in the app) are kept. Authors are only ever added,
    and a merge is never undone: dropping either would lose who contributed to an invention.
    """
    stored = {idea.position: idea for idea in run.db.execute(
        select(Idea).where(col(Idea.session_id) == session_id)).scalars()}
    people = _keys_by_id(run, Person, {i.author_id for i in stored.values() if i.author_id})
    components = _keys_by_id(run, Component,
                             {i.component_id for i in stored.values() if i.component_id})
    place = {idea.id: idea.position for idea in stored.values()}
    recorded: dict[int, dict[int, str]] = {}
    for idea_id, person_id, key in run.db.execute(
        select(col(IdeaAuthor.idea_id), col(IdeaAuthor.person_id), col(Person.key))
        .join(Person, col(Person.id) == col(IdeaAuthor.person_id))
        .join(Idea, col(Idea.id) == col(IdeaAuthor.idea_id))
        .where(col(Idea.session_id) == session_id)
    ).all():
        recorded.setdefault(int(idea_id), {})[int(person_id)] = key
    # Where each idea ends up merged (0-based place), file and database together.
    merged_into = {position: place.get(i.merged_into_id) for position, i in stored.items()
                   if i.merged_into_id is not None}
    changed = False
    rows: list[Idea | None] = []
    for position, idea in enumerate(s.ideas):
        idea_path = f"{path}.ideas[{position}]"
        record = f"{entity_key}#{position + 1}"
        before = stored.get(position)
        if before is None:
            rows.append(_create_idea(run, session_id, idea, position, record))
            changed = True
        else:
            changed |= _update_idea(run, before, idea, idea_path, record, people, components,
                                    merged=position in merged_into)
            rows.append(before)
        if idea.merged_into is not None:
            target = idea.merged_into - 1
            was = merged_into.get(position)
            # A merge the database records is kept unless the file names another target and
            # the conflict is resolved its way.
            if (before is None or was is None or was == target
                    or run.conflict(f"{idea_path}.merged_into", record, f"#{was + 1}",
                                    f"#{target + 1}")):
                merged_into[position] = target
    _check_merges(merged_into, entity_key)
    if run.write:
        changed |= _link_ideas(run, s, rows, merged_into, recorded, entity_key)
    return changed


def _keys_by_id(run: _Run, model: Any, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {int(i): k for i, k in run.db.execute(
        select(model.id, model.key).where(model.id.in_(list(ids)))).all()}


def _create_idea(run: _Run, session_id: int, idea: IdeaDoc, position: int,
                 record: str) -> Idea | None:
    if not run.write:
        return None
    return _create(
        run, model=Idea,
        match={"session_id": session_id, "position": position},
        values={"text": idea.text,
                "author_id": _required(run.person_id(idea.author), "person", idea.author),
                "prompt_id": idea.prompt,
                "component_id": _required(run.component_id(idea.component), "component",
                                          idea.component) if idea.component else None,
                "votes": idea.votes, "status": idea.status},
        create_only={"created_at": datetime.now(UTC)}, entity="idea", entity_key=record)


def _update_idea(run: _Run, row: Idea, idea: IdeaDoc, path: str, record: str,
                 people: dict[int, str], components: dict[int, str], *, merged: bool) -> bool:
    if (merged and idea.merged_into is None and idea.status != PARKED
            and run.doc.states(f"{path}.status")):
        session, number = record.rsplit("#", 1)
        raise ValidationFailed([Problem(
            "ideas", f"idea #{number} of {session} was merged into another idea; an import "
                     "does not undo a merge: keep it parked in the file")])
    stored = {"text": row.text, "author": people.get(row.author_id or 0, ""),
              "prompt": row.prompt_id,
              "component": components.get(row.component_id or 0, ""), "votes": row.votes}
    incoming = {"text": idea.text, "author": idea.author, "prompt": idea.prompt,
                "component": idea.component, "votes": idea.votes}
    filled, overwritten = run.fields(path=path, record=record, stored=stored,
                                     incoming=incoming,
                                     blanks={"prompt": "", "component": "", "votes": 0})
    if run.doc.states(f"{path}.status") and idea.status != row.status:
        if row.status == "promoted":
            run.note(f"{path}.status", record, "the idea was promoted to a disclosure in "
                                               f"firstfile; the file's {idea.status!r} is "
                                               "kept out")
        else:
            more, more_overwritten = _status_of_idea(run, row.status, idea.status, path, record)
            filled.update(more)
            overwritten.update(more_overwritten)
    target = row
    setters: dict[str, Callable[[Any], None]] = {
        "author": lambda new: setattr(target, "author_id",
                                      _required(run.person_id(new), "person", new)),
        "prompt": lambda new: setattr(target, "prompt_id", new),
        "component": lambda new: setattr(
            target, "component_id",
            _required(run.component_id(new), "component", new) if new else None),
    }
    return run.save(row=row, entity="idea", entity_key=record, filled=filled,
                    overwritten=overwritten, setters=setters)


def _status_of_idea(run: _Run, stored: str, incoming: str, path: str, record: str
                    ) -> tuple[dict[str, tuple[Any, Any]], dict[str, tuple[Any, Any]]]:
    """An open idea takes the file's status; a parked one is a conflict to be resolved."""
    outcome = merge_value(stored, incoming, "open")
    if outcome == FILL:
        return {"status": (stored, incoming)}, {}
    if outcome == CLEARS:
        run.note(f"{path}.status", record, f"the idea is {stored!r} in firstfile; an import "
                                           "does not reopen it")
        return {}, {}
    if run.conflict(f"{path}.status", record, stored, incoming):
        return {}, {"status": (stored, incoming)}
    return {}, {}


def _check_merges(merged_into: dict[int, int | None], entity_key: str) -> None:
    """No idea may end up merged into an idea that is merged itself (file and database)."""
    for position, target in sorted(merged_into.items()):
        if target is not None and merged_into.get(target) is not None:
            raise ValidationFailed([Problem(
                "ideas", f"idea #{position + 1} of {entity_key} would be merged into "
                         f"#{target + 1}, which was itself merged into another idea; "
                         "point it at the idea that kept the others")])


def _link_ideas(run: _Run, s: SessionDoc, rows: list[Idea | None],
                merged_into: dict[int, int | None], recorded: dict[int, dict[int, str]],
                entity_key: str) -> bool:
    """Write merges and co-authors (write pass); an idea may be merged into a later one."""
    changed = False
    by_place = {i: row for i, row in enumerate(rows) if row is not None}
    for position, (idea, row) in enumerate(zip(s.ideas, rows, strict=True)):
        assert row is not None and row.id is not None
        changes: dict[str, tuple[Any, Any]] = {}
        target = merged_into.get(position)
        if target is not None and target in by_place and row.merged_into_id != by_place[
                target].id:
            old = run.db.get(Idea, row.merged_into_id) if row.merged_into_id else None
            changes["merged_into"] = (f"#{old.position + 1}" if old else None, f"#{target + 1}")
            row.merged_into_id = by_place[target].id
        if len(idea.authors) > 1:
            # As sessions.merge_ideas stores them: every author, the first one included.
            have = recorded.get(row.id, {})
            wanted = {_required(run.person_id(key), "person", key): key for key in idea.authors}
            if wanted.keys() - have.keys():
                for person_id in wanted.keys() - have.keys():
                    run.db.add(IdeaAuthor(idea_id=row.id, person_id=person_id))
                changes["authors"] = (tuple(sorted(have.values())),
                                      tuple(sorted({**have, **wanted}.values())))
        if changes:
            run.db.flush()
            audit.record(db=run.db, actor=run.actor, entity="idea",
                         entity_key=f"{entity_key}#{position + 1}", action="update",
                         changes=changes)
            changed = True
    return changed


# --- disclosures ---------------------------------------------------------------------------

# The draft's fields an import merges one by one (status and the engagement have rules of
# their own), with each one's blank: its default in DisclosureDraft.
_DRAFT_FIELDS = tuple(f.name for f in fields(DisclosureDraft)
                      if f.name not in ("status", "engagement_key"))
_DRAFT_BLANKS = {f.name: f.default for f in fields(DisclosureDraft)
                 if f.name in _DRAFT_FIELDS and f.name != "title"}


def _disclosures(run: _Run, indexes: list[int]) -> None:
    """Merge a batch of disclosures, reading the stored ones together."""
    docs = [run.doc.disclosures[i] for i in indexes]
    keyed = [d.key for d in docs if d.key]
    stored: dict[str, Disclosure] = {}
    for start in range(0, len(keyed), 900):
        stored.update((row.key, row) for row in run.db.execute(
            select(Disclosure).where(
                Disclosure.key.in_(keyed[start:start + 900]))  # type: ignore[attr-defined]
        ).scalars())
    titled = _by_titles(run, [d.title for d in docs if not d.key])
    rows = [stored.get(d.key) if d.key else titled.get(d.title) for d in docs]
    live = [row for row in rows if row is not None and row.deleted_at is None]
    views = {view.key: view for view in build_views(db=run.db, disclosures=live)}
    for index, d, row in zip(indexes, docs, rows, strict=True):
        if row is not None:
            run.write_queued()
        _disclosure(run, d, index, row, views.get(row.key) if row is not None else None)
    run.write_queued()


def _by_titles(run: _Run, titles: list[str]) -> dict[str, Disclosure]:
    """The live disclosures of the file's engagement with these titles, the first logged of
    each title, read together (a disclosure without a key is matched by its title)."""
    engagement = run.engagement()
    if engagement is None or not titles:
        return {}
    unique = list(dict.fromkeys(titles))
    found: dict[str, Disclosure] = {}
    for start in range(0, len(unique), 900):
        for row in run.db.execute(
            select(Disclosure)
            .where(col(Disclosure.engagement_id) == engagement.id,
                   col(Disclosure.title).in_(unique[start:start + 900]),
                   Disclosure.deleted_at.is_(None))  # type: ignore[union-attr]
            .order_by(Disclosure.id)  # type: ignore[arg-type]
        ).scalars():
            found.setdefault(row.title, row)
    return found


def _disclosure(run: _Run, d: DisclosureDoc, index: int, row: Disclosure | None,
                view: DisclosureView | None) -> None:
    path = f"disclosures[{index}]"
    draft, problems = run.preparation.draft(index)
    if problems:
        raise ValidationFailed(problems)
    if row is None:
        if run.write and run.bulk and not d.attachments:
            run.queue(NewDisclosure(draft=draft, key=d.key, events=d.events,
                                    submitted_on=d.submitted_on,
                                    creation=run.preparation.creation(index, draft)))
            run.report.count("disclosure", "created")
            return
        made = None
        if run.write:
            # A disclosure with attachments goes in one by one, after those queued before it
            # (so keys keep the file's order), and its files with it.
            run.write_queued()
            # The day it was submitted is the file's, not the day it was imported.
            made = disclosure_service.insert_in(db=run.db, draft=draft, actor=run.actor,
                                                key=d.key, events=d.events,
                                                submitted_on=d.submitted_on)
            run.report.disclosure_keys.append(made.key)
        run.report.count("disclosure", "created")
        _attachments(run, d, path, made)
        return
    record = row.key
    if row.deleted_at is not None:
        run.note(path, record, "it is deleted in firstfile; the import leaves it alone "
                               "(restore it first to import into it)")
        run.report.count("disclosure", "skipped")
        return
    assert view is not None
    if view.engagement_key != draft.engagement_key:
        run.refuse(path, record, f"it belongs to the engagement {view.engagement_key} in the "
                                 f"database, and this file is {draft.engagement_key}: an "
                                 "import never moves a disclosure to another engagement; move "
                                 "it in firstfile, or leave the key out of the file to import "
                                 "it as a new disclosure")
        run.report.count("disclosure", "skipped")
        return
    stored_submitted_on = row.submitted_on
    changed = _update_disclosure(run, d, draft, path, row, view)
    changed = _submitted_on(run, d, path, row, stored_submitted_on) or changed
    run.report.disclosure_keys.append(row.key)
    run.report.count("disclosure", "updated" if changed else "unchanged")
    _attachments(run, d, path, row)


def _submitted_on(run: _Run, d: DisclosureDoc, path: str, row: Disclosure,
                  stored: date | None) -> bool:
    """Merge the day it was submitted by the merge rule (stored: the database's day before
    this import; a file that gives none leaves it); True when it is (or would be) written."""
    if d.submitted_on is None:
        return False
    filled, overwritten = run.fields(path=path, record=row.key,
                                     stored={"submitted_on": stored},
                                     incoming={"submitted_on": d.submitted_on},
                                     blanks={"submitted_on": None})
    # Audited against the day actually stored now: submitting in this import set today's.
    return run.save(row=row, entity="disclosure", entity_key=row.key,
                    filled={k: (row.submitted_on, new) for k, (_, new) in filled.items()},
                    overwritten={k: (row.submitted_on, new)
                                 for k, (_, new) in overwritten.items()})


def _attachments(run: _Run, d: DisclosureDoc, path: str, row: Disclosure | None) -> None:
    """Add the file's attachments the disclosure does not hold yet (attachments are only
    added, like events). row is None in the check pass for a disclosure still to be made."""
    if not d.attachments:
        return
    record = row.key if row is not None else (d.key or d.title)
    held = set()
    if row is not None and row.id is not None:
        held = {a.sha256 for a in attached(db=run.db, disclosure_id=row.id)}
    files = []
    for number, attachment in enumerate(d.attachments):
        if attachment.sha256 in held:
            continue
        if attachment.data is None:
            run.refuse(f"{path}.attachments[{number}].path", record,
                       f"{attachment.path} is not in the database, and the file was not read "
                       "from beside the document; import the file itself, with its "
                       "attachments folder next to it")
            continue
        try:
            checked = check_file(attachment.file_name, attachment.data)
        except AttachmentRefused as exc:
            run.refuse(f"{path}.attachments[{number}].path", record, str(exc))
            continue
        files.append((checked, NewFile(checked.file_name, attachment.data, attachment.caption)))
    if row is None:
        try:
            check_totals(len(files), sum(c.size for c, _ in files))
        except AttachmentRefused as exc:
            run.refuse(f"{path}.attachments", record, str(exc))
        return
    try:
        added, _ = attach_in(db=run.db, disclosure=row, files=files, actor=run.actor,
                             write=run.write)
    except UserError as exc:
        run.refuse(f"{path}.attachments", record, str(exc))
        return
    for _ in added:
        run.report.count("attachment", "added")


def _update_disclosure(run: _Run, d: DisclosureDoc, draft: DisclosureDraft, path: str,
                       row: Disclosure, view: DisclosureView) -> bool:
    record = row.key
    before = disclosure_service.view_to_draft(view)
    # The filing details of a person already named are merged one by one (below); the
    # inventors as a whole are compared on who they are, their roles and shares.
    details_filled, details_overwritten = _inventor_details(run, before, draft, path, record)
    recorded = {entry.person_key: entry for entry in before.inventors}
    draft = _with_details(draft, {key: _details(entry) for key, entry in recorded.items()})

    def comparable(x: DisclosureDraft) -> dict[str, Any]:
        values = {name: getattr(x, name) for name in _DRAFT_FIELDS}
        values["components"] = tuple(sorted(x.components))
        return values

    filled, overwritten = run.fields(path=path, record=record, stored=comparable(before),
                                     incoming=comparable(draft), blanks=_DRAFT_BLANKS)
    if run.doc.states(f"{path}.status"):
        filled.update(_status(run, view.status, draft.status, path, record,
                              submitted_before=row.submitted_on is not None))
    events, events_overwritten = view.events, view.events
    if run.doc.states(f"{path}.events"):
        events, events_overwritten = _events(run, view.events, d.events, f"{path}.events",
                                             record)
    first = replace(before, **{name: new for name, (_, new) in filled.items()})
    second = replace(first, **{name: new for name, (_, new) in overwritten.items()})
    first = _with_details(first, details_filled)
    second = _with_details(second, {
        key: {**details_filled.get(key, {}), **details_overwritten.get(key, {})}
        for key in details_filled.keys() | details_overwritten.keys()})
    # The merged record must still hold together (a file that submits a draft the database
    # holds without a summary, say): checked in the check pass, so nothing is written.
    bad = errors(validate(second))
    if bad:
        raise ValidationFailed([Problem(f"{run.doc.where(path)}: {record}: {p.field}",
                                        p.message) for p in bad])
    changed = first != before or events != view.events
    overwrite = second != first or events_overwritten != events
    if run.write and changed:
        disclosure_service.apply_in(db=run.db, disclosure=row, draft=first, events=events,
                                    actor=run.actor)
    if run.write and overwrite:
        disclosure_service.apply_in(db=run.db, disclosure=row, draft=second,
                                    events=events_overwritten, actor=run.actor,
                                    action="overwrite")
    return changed or overwrite


def _inventor_details(
    run: _Run, before: DisclosureDraft, draft: DisclosureDraft, path: str, record: str,
) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """The file's filing details of the people the disclosure already names, merged by the
    merge rule: (filled, overwritten), each {person key: {detail: value}}. A detail the file
    leaves out or blank keeps the recorded one."""
    recorded = {entry.person_key: entry for entry in before.inventors}
    filled: dict[str, dict[str, str]] = {}
    overwritten: dict[str, dict[str, str]] = {}
    for number, entry in enumerate(draft.inventors):
        old = recorded.get(entry.person_key)
        if old is None:
            continue  # a new person on the disclosure comes with the file's details
        fills, overwrites = run.fields(path=f"{path}.inventors[{number}]", record=record,
                                       stored=_details(old), incoming=_details(entry),
                                       blanks=dict.fromkeys(INVENTOR_DETAILS, ""))
        if fills:
            filled[entry.person_key] = {name: new for name, (_, new) in fills.items()}
        if overwrites:
            overwritten[entry.person_key] = {name: new for name, (_, new) in overwrites.items()}
    return filled, overwritten


def _details(entry: InventorEntry) -> dict[str, str]:
    return {name: getattr(entry, name) for name in INVENTOR_DETAILS}


def _with_details(draft: DisclosureDraft, details: dict[str, dict[str, str]]
                  ) -> DisclosureDraft:
    """draft with the given filing details on the people it names."""
    if not details:
        return draft
    return replace(draft, inventors=tuple(
        replace(entry, **cast(dict[str, Any], details.get(entry.person_key, {})))
        for entry in draft.inventors))


def _status(run: _Run, stored: str, incoming: str, path: str, record: str, *,
            submitted_before: bool) -> dict[str, tuple[Any, Any]]:
    where = f"{path}.status"
    move = workflow.import_status(stored, incoming, submitted_before=submitted_before)
    if move == workflow.IMPORT_SUBMIT:
        return {"status": (stored, incoming)}
    if move == workflow.IMPORT_BEHIND:
        if stored == "draft":
            run.note(where, record, f"it was sent back to draft after it was submitted; "
                                    f"the file's {incoming!r} is kept out (resubmit it in "
                                    "firstfile)")
        else:
            run.note(where, record, f"it has moved on to {stored!r} in firstfile; the file's "
                                    f"{incoming!r} is kept out")
    elif move == workflow.IMPORT_REFUSED:
        run.conflict(where, record, stored, incoming, overridable=False,
                     hint="an import submits a draft and makes no other move; counsel "
                          f"records the others with `firstfile review move {record} STATUS`")
    return {}


def _events(run: _Run, stored: tuple[EventView, ...], incoming: tuple[EventView, ...],
            path: str, record: str) -> tuple[tuple[EventView, ...], tuple[EventView, ...]]:
    """Events after the file's are added: (merged, merged with overwritten notes).

    An event is the same event when kind, date, jurisdiction and reference agree; events the
    file does not list (counsel's filings, recorded since) are kept.
    """
    merged = list(stored)
    overwritten = list(stored)
    unmatched = list(range(len(stored)))
    for number, event in enumerate(incoming):
        same = next((k for k in unmatched if _identity(stored[k]) == _identity(event)), None)
        if same is None:
            merged.append(event)
            overwritten.append(event)
            continue
        unmatched.remove(same)
        # The fields beside the identity: the note, and a filing's priority claims (a stored
        # filing without claims takes the file's; different claims are a conflict).
        for name, blank in _EVENT_BLANKS.items():
            where = f"{path}[{number}].{name}"
            if not run.doc.states(where):
                continue
            old, new = getattr(stored[same], name), getattr(event, name)
            outcome = merge_value(old, new, blank)
            if outcome == FILL:
                merged[same] = replace(merged[same], **{name: new})
                overwritten[same] = replace(overwritten[same], **{name: new})
            elif outcome == CLEARS:
                run.note(where, record, f"the file leaves the event's {name} blank; an import "
                                        "never clears a value")
            elif outcome != SAME and run.conflict(where, record, old, new):
                overwritten[same] = replace(overwritten[same], **{name: new})
    return tuple(merged), tuple(overwritten)


_EVENT_BLANKS: dict[str, Any] = {"note": "", "claims_priority_of": (), "restored": False}


def _identity(event: EventView) -> tuple[Any, ...]:
    return (event.kind, event.date, event.jurisdiction, event.reference)
