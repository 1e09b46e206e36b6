"""Reading and checking a `firstfile/1` file (docs/FORMAT.md) into an InterchangeDocument.

Every problem in the file is collected, each with its file, line and path, and reported in
one InterchangeError; warnings (draft-level notes) travel on the document instead.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TypeVar

from firstfile.domain import crockford
from firstfile.domain.attachments import (
    CAPTION_CHARS,
    AttachmentRefused,
    check_file,
    sha256_of,
    size_words,
)
from firstfile.domain.attachments import MAX_FILE_BYTES as ATTACHMENT_BYTES
from firstfile.domain.country_codes import (
    OFFICES,
    ROUTE_ONLY,
    describe_code_problem,
    is_jurisdiction_code,
)
from firstfile.domain.disclosure import DisclosureDraft, InventorEntry, validate
from firstfile.domain.filings import FILING_KINDS, claim_problems, event_problems
from firstfile.domain.keys import parse_disclosure_key
from firstfile.domain.limits import (
    EMAIL_CHARS,
    JURISDICTION_CHARS,
    KIND_CHARS,
    NAME_CHARS,
    PROMPT_ID_CHARS,
    REFERENCE_CHARS,
    VOTES_MAX,
)
from firstfile.domain.risk.assessment import TacticState, tactic_state_problems
from firstfile.domain.risk.tree import ComponentNode, loop_problems, scored
from firstfile.domain.risk.vocabulary import (
    ACTION_STATUSES,
    DISPOSITIONS,
    RATIONALE_MAX_CHARS,
    SAFEGUARD_KINDS,
)
from firstfile.domain.strategy_inputs import CompetitorPresence, Market
from firstfile.domain.strategy_record import (
    SOURCE_MAX_CHARS,
    CostIndex,
    RecordedStrategy,
    normalised,
)
from firstfile.domain.tracers import TRACER_KINDS, Tracer, format_code, parse_code
from firstfile.domain.views import EventView
from firstfile.domain.vocabulary import (
    DISCLOSURE_STATUSES,
    ENGAGEMENT_PHASES,
    EVENT_KINDS,
    INTERNAL,
    PHASES,
    ROLES,
    VENDOR_KINDS,
)
from firstfile.interchange import schema
from firstfile.interchange.acyclic import acyclic_objects
from firstfile.interchange.document import (
    FORMAT_NAME,
    ActionDoc,
    AttachmentDoc,
    ComponentDoc,
    CriticalSetDoc,
    DecisionDoc,
    DisclosureDoc,
    EngagementDoc,
    IdeaDoc,
    InterchangeDocument,
    PersonDoc,
    SafeguardDoc,
    SessionDoc,
    SittingDoc,
    VendorDoc,
)
from firstfile.interchange.fields import Checker, Fields, join
from firstfile.interchange.json_nodes import ItemReader, json_nodes
from firstfile.interchange.nodes import MAP, MAX_FILE_BYTES, READ, SCALAR, SEQ, STR, Node
from firstfile.interchange.problems import InterchangeError, Problems
from firstfile.interchange.raw_text import make_readable
from firstfile.interchange.yaml_nodes import yaml_nodes

_COUNTRY = re.compile(r"^[A-Z]{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_SHARE_SLACK = 1e-9  # shares written 0.3 and 0.7 must not fail on binary rounding
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
Record = TypeVar("Record", VendorDoc, PersonDoc, ComponentDoc, SessionDoc, CriticalSetDoc)


def read_document(path: Path, *, today: date | None = None) -> InterchangeDocument:
    """Read the file at path (YAML, or JSON when it ends in .json); see parse_document.
    Attached files are read from beside it (read_attachments)."""
    return read_document_and_digest(path, today=today)[0]


def read_document_and_digest(
    path: Path, *, today: date | None = None
) -> tuple[InterchangeDocument, str]:
    """read_document, and the SHA-256 of the bytes it read: a caller that reads a file again
    later (an import of many files keeps one document in memory at a time) can tell whether
    it is still the file it checked."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InterchangeError([
            f"{path.name}:1: the file is {size / 1024 / 1024:.0f} MB; files over "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB are refused: split it into one file per "
            "engagement"
        ])
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InterchangeError([
            f"{path.name}:{line}: the file is not UTF-8 text (byte 0x{data[exc.start]:02x}); "
            "save it as UTF-8"
        ]) from None
    del data  # the text holds it all; a big file's bytes need not stay while it is parsed
    problems = Problems(path.name)
    with acyclic_objects():
        reader = _DocumentReader(problems, today or date.today())
        root = _nodes(text, path.name, None, problems, reader)
        del text  # as in parse_document
        document = _document(root, problems, path.name, reader)
    return read_attachments(document, path.parent), digest


def attachment_path_problem(relative: str) -> str | None:
    """Why relative cannot name a file beside the interchange file, or None when it can.

    Only plain relative paths with forward slashes: never absolute, never up a folder, so an
    import reads nothing outside the folder the file came with.
    """
    parts = relative.split("/")
    if (relative.startswith("/") or "\\" in relative or ":" in relative
            or any(part in ("", ".", "..") for part in parts)):
        return (f"{relative!r} must be a path inside the file's folder, with forward slashes "
                "and no '..', e.g. attachments/FF-2026-0001/01-drawing.png")
    return None


_SHA256 = re.compile("[0-9a-f]{64}")


def read_attachments(document: InterchangeDocument, folder: Path) -> InterchangeDocument:
    """document with the bytes of every attached file read from beside it (folder), each
    checked like a file attached by hand and against its SHA-256 when the file gives one.

    Raises InterchangeError listing every file that is missing or refused. Files are only
    read, never opened by another program.
    """
    disclosures = list(document.disclosures)
    problems: list[str] = []
    attaching = False
    for index, disclosure in enumerate(document.disclosures):
        if not disclosure.attachments:
            continue  # kept as it is: most disclosures of a big file attach nothing
        attaching = True
        loaded = []
        for number, attachment in enumerate(disclosure.attachments):
            where = document.where(f"disclosures[{index}].attachments[{number}].path")
            data, problem = _attached_file(folder, attachment)
            if problem:
                problems.append(f"{where}: {problem}")
                loaded.append(attachment)
            else:
                loaded.append(replace(attachment, sha256=sha256_of(data), data=data))
        disclosures[index] = replace(disclosure, attachments=tuple(loaded))
    if problems:
        raise InterchangeError(problems)
    if not attaching:
        return document
    return replace(document, disclosures=tuple(disclosures))


def _attached_file(folder: Path, attachment: AttachmentDoc) -> tuple[bytes, str | None]:
    """The bytes of one attached file and None, or b"" and what is wrong with it."""
    target = folder / attachment.path
    try:
        size = target.stat().st_size
        if size > ATTACHMENT_BYTES:
            # Refused before it is read: a file this large never enters memory.
            return b"", (f"{attachment.path} is {size_words(size)}; a file may be at most "
                         f"{size_words(ATTACHMENT_BYTES)}")
        data = target.read_bytes()
    except OSError as exc:
        return b"", (f"{attachment.path} cannot be read beside the file ({exc.strerror}); "
                     "put it there or remove the entry")
    try:
        checked = check_file(attachment.file_name, data)
    except AttachmentRefused as exc:
        return b"", str(exc)
    if attachment.sha256 and attachment.sha256 != checked.sha256:
        return b"", (f"{attachment.path} is not the file the record names (its SHA-256 is "
                     f"{checked.sha256}, the record says {attachment.sha256}); put the right "
                     "file there")
    return data, None


def parse_document(
    text: str,
    source: str = "<text>",
    *,
    fmt: str | None = None,
    today: date | None = None,
) -> InterchangeDocument:
    """Parse and check text, one engagement in the `firstfile/1` format.

    source names the file in messages; fmt is "yaml" or "json" (by default JSON when source
    ends in .json or the text starts with '{', else YAML). today (default: the current
    date) is when a conception date becomes "in the future".

    Raises InterchangeError listing every problem as ``file:line: path: message``.
    """
    problems = Problems(source)
    with acyclic_objects():
        reader = _DocumentReader(problems, today or date.today())
        root = _nodes(text, source, fmt, problems, reader)
        del text  # the nodes hold every value: a big file's text need not stay while read
        return _document(root, problems, source, reader)


def _nodes(text: str, source: str, fmt: str | None, problems: Problems,
           reader: _DocumentReader) -> Node | None:
    """The root node of text (None after recording why there is none). JSON disclosures are
    read by reader as they are parsed (_DocumentReader.streamed)."""
    if len(text) > MAX_FILE_BYTES:
        problems.error(1, "", f"the text is over {MAX_FILE_BYTES // 1024 // 1024} MB: split "
                              "it into one file per engagement")
        problems.raise_if_errors()
    is_json = _is_json(text, source, fmt)
    text = make_readable(text, problems, json=is_json)
    if not is_json:
        return yaml_nodes(text, problems)
    errors, warnings = len(problems.errors), len(problems.warnings)
    root = json_nodes(text, problems, reader.streamed)
    if root is None:
        # Text that is not JSON (or too big) is reported as that alone: not with what the
        # disclosures read before the point it broke said about themselves.
        broken = problems.errors[-1]
        del problems.errors[errors:], problems.warnings[warnings:]
        problems.errors.append(broken)
    return root


def _document(root: Node | None, problems: Problems, source: str, reader: _DocumentReader
              ) -> InterchangeDocument:
    """The document reader reads from root, or InterchangeError listing every problem."""
    document = None
    if root is not None:
        document = reader.read(root)
    del root
    problems.raise_if_errors()
    assert document is not None  # no errors means the reader built it
    return replace(document, warnings=tuple(problems.format_warnings()), source=source,
                   places=reader.check.places)


def _early_engagement_key(before: list[tuple[Node, Node]]) -> str:
    """The engagement's key, when the fields parsed so far give it as text; else "".

    Only a guess to save copying every disclosure read as the file is parsed: the reader
    gives each the key of the engagement it reads in the end (_DocumentReader._disclosure)."""
    engagement = next((value for key, value in before if key.text == "engagement"), None)
    if engagement is None or engagement.kind != MAP:
        return ""
    return next((value.value for key, value in engagement.value
                 if key.text == "key" and value.kind == SCALAR and value.tag == STR), "")


def _is_json(text: str, source: str, fmt: str | None) -> bool:
    if fmt is not None:
        if fmt not in ("yaml", "json"):
            raise ValueError(f"fmt must be 'yaml' or 'json', not {fmt!r}")
        return fmt == "json"
    suffix = Path(source).suffix.lower()
    if suffix in (".yaml", ".yml"):
        return False
    return suffix == ".json" or text.lstrip("\ufeff \t\r\n").startswith("{")


class _DocumentReader:
    """Reads the records of one file, then checks the references between them."""

    def __init__(self, problems: Problems, today: date) -> None:
        self.problems = problems
        self.check = Checker(problems)
        self.today = today
        # (kind, key, line, path) of every reference, checked once all records are read.
        self.references: list[tuple[str, str, int, str]] = []

    def streamed(self, name: str, before: list[tuple[Node, Node]]) -> ItemReader | None:
        """How to read each item of the top-level list name as soon as it is parsed (JSON),
        or None to read it from its nodes later, as every other list is.

        Only the disclosures are read early (they are most of a big file's nodes), only the
        first list of that name (a second is reported as given twice, never read), and only
        after the file has said it is in this format: a file in another format is not read
        further than its format, and nothing of it is reported."""
        if name != "disclosures" or any(key.text == name for key, _ in before):
            return None
        # The first format given is the one read (a second is reported as given twice).
        stated = next((value for key, value in before if key.text == "format"), None)
        if stated is None or stated.kind != SCALAR or stated.value != FORMAT_NAME:
            return None

        engagement_key = _early_engagement_key(before)

        def read_one(node: Node, index: int) -> Node:
            path = f"disclosures[{index}]"
            # What the disclosures' list would record as it gives the item (Checker.items).
            self.check.places.lines[path] = node.line
            return Node(READ, node.line, self._disclosure(node, path, engagement_key))

        return read_one

    def read(self, root: Node) -> InterchangeDocument | None:
        fields = self.check.mapping(root, "", *schema.TOP)
        if fields is None or "format" not in fields:
            return None
        found = self.check.text(fields, "format", "")
        if found != FORMAT_NAME:
            # Another format (or version) gives the other fields other meanings: stop here.
            self.problems.error(fields["format"].line, "format",
                                f"unsupported format {found!r}: this version reads "
                                f"{FORMAT_NAME!r}")
            return None
        engagement = self._engagement(fields)
        vendors = self._records(fields, "vendors", self._vendor)
        people = self._records(fields, "people", self._person)
        components = self._records(fields, "components", self._component)
        self._check_tree(components)
        critical_sets = self._records(fields, "critical_sets", self._critical_set)
        sessions = self._records(fields, "sessions", self._session)
        disclosures = tuple(
            self._disclosure(node, path, engagement.key)
            for node, path in self.check.items(fields, "disclosures", "", release=True)
        )
        strategy = None
        if "strategy" in fields:
            strategy = self._strategy(fields["strategy"], engagement.key, vendors)
        tracers = self._tracers(fields, engagement.key)
        self._check_disclosure_identity(disclosures)
        self._check_references({
            "person": {p.key for p in people},
            "vendor": {v.key for v in vendors},
            "component": {c.key for c in components},
        })
        return InterchangeDocument(engagement, vendors, people, components, sessions,
                                   disclosures, critical_sets, strategy=strategy,
                                   tracers=tracers)

    # -- records ---------------------------------------------------------------------------

    def _records(
        self, fields: Fields, name: str, read_one: Callable[[Node, str], Record]
    ) -> tuple[Record, ...]:
        """Read each record of a keyed list, reporting keys used twice."""
        records: list[Record] = []
        first: dict[str, str] = {}
        for node, path in self.check.items(fields, name, ""):
            record = read_one(node, path)
            key_path = join(path, "key")
            if record.key and record.key in first:
                self.problems.error(self._line(key_path), key_path,
                                    f"duplicate key {record.key!r} (also {first[record.key]})")
            first.setdefault(record.key, path)
            records.append(record)
        return tuple(records)

    def _engagement(self, fields: Fields) -> EngagementDoc:
        node = fields.get("engagement")
        own = self.check.mapping(node, "engagement", *schema.ENGAGEMENT) if node else None
        own = own or {}
        return EngagementDoc(
            key=self.check.key(own, "key", "engagement"),
            name=self.check.text(own, "name", "engagement", required=True, limit=NAME_CHARS),
            product=self.check.text(own, "product", "engagement", limit=NAME_CHARS),
            phase=self.check.choice(own, "phase", "engagement", ENGAGEMENT_PHASES, "pre"),
            vendor_facing_name=self.check.text(own, "vendor_facing_name", "engagement",
                                               limit=NAME_CHARS),
        )

    def _vendor(self, node: Node, path: str) -> VendorDoc:
        own = self.check.mapping(node, path, *schema.VENDOR) or {}
        key = self.check.key(own, "key", path)
        if key == INTERNAL:
            self.problems.error(self._line(join(path, "key")), join(path, "key"),
                                f"{INTERNAL!r} is reserved for your own staff: choose another "
                                "vendor key")
        country = self.check.text(own, "country", path).upper()
        if "country" in own and country and not _COUNTRY.match(country):
            self.problems.error(own["country"].line, join(path, "country"),
                                f"{country!r} is not a country code: use the two-letter ISO "
                                "3166 code, e.g. CN, MX, MY, US")
        signed = self.check.date(own, "nda_signed_on", path)
        expires = self.check.date(own, "nda_expires_on", path)
        if signed is not None and expires is not None and expires < signed:
            where = join(path, "nda_expires_on")
            self.problems.error(self._line(where), where,
                                f"the NDA expires ({expires.isoformat()}) before it was signed "
                                f"({signed.isoformat()}): check both dates")
        safeguards = tuple(self._safeguard(item, item_path)
                           for item, item_path in self.check.items(own, "safeguards", path))
        self._once(((s.kind, i) for i, s in enumerate(safeguards)), join(path, "safeguards"),
                   "kind", "the safeguard is given twice: keep one record per safeguard")
        return VendorDoc(
            key=key,
            name=self.check.text(own, "name", path, required=True, limit=NAME_CHARS),
            kind=self.check.choice(own, "kind", path, VENDOR_KINDS, ""),
            country=country,
            competitors=self._text_list(own, "competitors", path),
            nda_signed_on=signed,
            nda_expires_on=expires,
            safeguards=safeguards,
        )

    def _safeguard(self, node: Node, path: str) -> SafeguardDoc:
        # Only the form is checked: a safeguard that is a checklist term may have been ticked
        # done there without evidence, and the analysis flags that rather than refusing it.
        own = self.check.mapping(node, path, *schema.SAFEGUARD) or {}
        return SafeguardDoc(
            kind=self.check.choice(own, "kind", path, SAFEGUARD_KINDS, ""),
            status=self.check.choice(own, "status", path, ACTION_STATUSES, ""),
            date=self.check.date(own, "date", path),
            evidence=self.check.text(own, "evidence", path, multiline=True),
            reason=self.check.text(own, "reason", path, multiline=True),
            who=self.check.text(own, "who", path, limit=NAME_CHARS),
        )

    def _person(self, node: Node, path: str) -> PersonDoc:
        own = self.check.mapping(node, path, *schema.PERSON) or {}
        email = self.check.text(own, "email", path, limit=EMAIL_CHARS)
        if email and not _EMAIL.match(email):
            self.problems.error(own["email"].line, join(path, "email"),
                                f"{email!r} is not an email address")
        organization = INTERNAL
        if "organization" in own:
            organization = self.check.key(own, "organization", path)
            if organization != INTERNAL:
                self._refer("organization", organization, join(path, "organization"))
        return PersonDoc(
            key=self.check.key(own, "key", path),
            name=self.check.text(own, "name", path, required=True, limit=NAME_CHARS),
            email=email,
            organization=organization,
        )

    def _component(self, node: Node, path: str) -> ComponentDoc:
        own = self.check.mapping(node, path, *schema.COMPONENT) or {}

        def score(name: str) -> int:
            value = self.check.integer(own, name, path, schema.SCORE_MIN, schema.SCORE_MAX)
            return value if value is not None else 0

        parent = self.check.key(own, "parent", path)
        if parent:
            self._refer("component", parent, join(path, "parent"))
        vendors = self._key_list(own, "vendors", path, "vendor")
        pinned = self._key_list(own, "pinned", path, None)
        for index, vendor in enumerate(pinned):
            if vendor and vendor not in vendors:
                where = f"{join(path, 'pinned')}[{index}]"
                self.problems.error(self._line(where), where,
                                    f"{vendor!r} is pinned but not among the vendors: add it to "
                                    "vendors, or leave the pin out")
        reasons = self._rationale(own, path)
        actions = tuple(self._action(item, item_path)
                        for item, item_path in self.check.items(own, "actions", path))
        self._once((((a.vendor, a.tactic), i) for i, a in enumerate(actions)),
                   join(path, "actions"), "tactic",
                   "the same vendor and tactic are given twice: keep one record")
        return ComponentDoc(
            key=self.check.key(own, "key", path),
            name=self.check.text(own, "name", path, required=True, limit=NAME_CHARS),
            value_add=score("value_add"),
            differentiation=score("differentiation"),
            reverse_engineering_difficulty=score("reverse_engineering_difficulty"),
            kind=self.check.text(own, "kind", path, limit=KIND_CHARS),
            vendors=vendors,
            parent=parent,
            value_add_reason=reasons["value_add"],
            differentiation_reason=reasons["differentiation"],
            reverse_engineering_difficulty_reason=reasons["reverse_engineering_difficulty"],
            assessor=self.check.text(own, "assessor", path, limit=NAME_CHARS),
            assessed_on=self.check.date(own, "assessed_on", path),
            decision=self._decision(own, path),
            pinned=pinned,
            actions=actions,
        )

    def _rationale(self, fields: Fields, path: str) -> dict[str, str]:
        """The one-line reason of each score (empty when not given)."""
        node = fields.get("rationale")
        where = join(path, "rationale")
        own = (self.check.mapping(node, where, *schema.RATIONALE) or {}) if node else {}
        reasons = {}
        for name in schema.RATIONALE[1]:
            reason = self.check.text(own, name, where)
            if len(reason) > RATIONALE_MAX_CHARS:
                at = join(where, name)
                self.problems.error(self._line(at), at,
                                    f"the reason is {len(reason)} characters: keep it to one "
                                    f"line of {RATIONALE_MAX_CHARS}")
            reasons[name] = reason
        return reasons

    def _decision(self, fields: Fields, path: str) -> DecisionDoc | None:
        node = fields.get("decision")
        if node is None:
            return None
        where = join(path, "decision")
        own = self.check.mapping(node, where, *schema.DECISION) or {}
        return DecisionDoc(
            disposition=self.check.choice(own, "disposition", where, DISPOSITIONS, ""),
            reason=self.check.text(own, "reason", where, multiline=True),
            decided_by=self.check.text(own, "decided_by", where),
            decided_on=self.check.date(own, "decided_on", where),
        )

    def _action(self, node: Node, path: str) -> ActionDoc:
        own = self.check.mapping(node, path, *schema.ACTION) or {}
        vendor = self.check.key(own, "vendor", path)
        if vendor:
            self._refer("vendor", vendor, join(path, "vendor"))
        action = ActionDoc(
            vendor=vendor,
            tactic=self.check.key(own, "tactic", path),
            status=self.check.choice(own, "status", path, ACTION_STATUSES, ""),
            date=self.check.date(own, "date", path),
            evidence=self.check.text(own, "evidence", path, multiline=True),
            reason=self.check.text(own, "reason", path, multiline=True),
            who=self.check.text(own, "who", path),
        )
        if action.status in ACTION_STATUSES:
            state = TacticState("", vendor, action.tactic, action.status, action.date,
                                action.evidence, action.reason)
            for problem in tactic_state_problems(state, path):
                self.problems.error(self._line(path), path, problem.message)
        return action

    def _critical_set(self, node: Node, path: str) -> CriticalSetDoc:
        own = self.check.mapping(node, path, *schema.CRITICAL_SET) or {}
        reveals = self.check.key(own, "reveals", path)
        if reveals:
            self._refer("component", reveals, join(path, "reveals"))
        members = self._key_list(own, "members", path, "component")
        if "members" in own and len(set(members)) < 2:
            where = join(path, "members")
            self.problems.error(self._line(where), where,
                                "name at least two components: a single component that "
                                "reveals a subsystem on its own is one to keep in-house")
        return CriticalSetDoc(
            key=self.check.key(own, "key", path),
            name=self.check.text(own, "name", path, required=True),
            members=members,
            reveals=reveals,
            note=self.check.text(own, "note", path, multiline=True),
        )

    def _check_tree(self, components: tuple[ComponentDoc, ...]) -> None:
        """No component may be its own ancestor; each loop reported once, spelled out."""
        index = {c.key: i for i, c in enumerate(components)}
        nodes = [ComponentNode(c.key, c.name, "", scored(1, 1, 1), c.parent) for c in components]
        for problem in loop_problems(nodes):
            key = problem.field.removeprefix("components[").split("]", 1)[0]
            where = f"components[{index[key]}].parent"
            self.problems.error(self._line(where), where, problem.message)

    def _once(self, entries: Iterable[tuple[object, int]], path: str, field: str,
              message: str) -> None:
        """Report each entry whose identity was given before, at its own line."""
        seen: set[object] = set()
        for identity, index in entries:
            if identity in seen:
                where = f"{path}[{index}].{field}"
                self.problems.error(self._line(where), where, message)
            seen.add(identity)

    def _session(self, node: Node, path: str) -> SessionDoc:
        own = self.check.mapping(node, path, *schema.SESSION) or {}
        facilitator = self.check.key(own, "facilitator", path)
        if facilitator:
            self._refer("person", facilitator, join(path, "facilitator"))
        ideas = tuple(self._idea(item, item_path)
                      for item, item_path in self.check.items(own, "ideas", path))
        self._check_merges(ideas, join(path, "ideas"))
        time_box = self._setting(own, "time_box_minutes", path, schema.TIME_BOX_MINUTES)
        prompt_minutes = self._setting(own, "prompt_minutes", path, schema.PROMPT_MINUTES)
        if prompt_minutes > time_box and "prompt_minutes" in own:
            where = join(path, "prompt_minutes")
            self.problems.error(self._line(where), where,
                                f"{prompt_minutes} minutes per prompt is more than the "
                                f"{time_box}-minute time box: shorten it or lengthen the "
                                "time box")
        decks = self._key_list(own, "decks", path, None)
        if len(",".join(decks)) > schema.DECKS_MAX_CHARS:
            where = join(path, "decks")
            self.problems.error(self._line(where), where,
                                f"the deck names take more than {schema.DECKS_MAX_CHARS} "
                                "characters together: walk fewer decks in one session")
        return SessionDoc(
            key=self.check.key(own, "key", path),
            title=self.check.text(own, "title", path, required=True, limit=NAME_CHARS),
            phase=self.check.choice(own, "phase", path, PHASES, ""),
            date=self.check.date(own, "date", path) or date.min,
            facilitator=facilitator,
            goal=self.check.text(own, "goal", path, multiline=True),
            participants=self._key_list(own, "participants", path, "person"),
            ideas=ideas,
            time_box_minutes=time_box,
            prompt_minutes=prompt_minutes,
            dots_per_participant=self._setting(own, "dots_per_participant", path,
                                               schema.DOTS_PER_PARTICIPANT),
            decks=decks,
            components=self._key_list(own, "components", path, "component"),
            sittings=self._sittings(own, path),
        )

    def _sittings(self, own: Fields, path: str) -> tuple[SittingDoc, ...]:
        """The sittings in the order the room met: each ends after it starts and before the
        next starts; only the last may still be open."""
        sittings: list[SittingDoc] = []
        items = list(self.check.items(own, "sittings", path))
        for number, (item, item_path) in enumerate(items, start=1):
            fields = self.check.mapping(item, item_path, *schema.SITTING) or {}
            started = self.check.moment(fields, "started_at", item_path)
            ended = self.check.moment(fields, "ended_at", item_path)
            if started is None:
                continue
            where = join(item_path, "ended_at")
            if ended is None and "ended_at" not in fields and number < len(items):
                self.problems.error(item.line, where, "is required: only the last sitting "
                                    "may still be running")
            if ended is not None and ended < started:
                self.problems.error(self._line(where), where, "is before started_at")
            previous = sittings[-1] if sittings else None
            if previous is not None and previous.ended_at and started < previous.ended_at:
                where = join(item_path, "started_at")
                self.problems.error(self._line(where), where, "is before the previous "
                                    "sitting ended: list the sittings in the order the room met")
            sittings.append(SittingDoc(started, ended))
        return tuple(sittings)

    def _setting(self, fields: Fields, name: str, path: str,
                 limits: tuple[int, int, int]) -> int:
        low, high, default = limits
        value = self.check.integer(fields, name, path, low, high)
        return default if value is None else value

    def _idea(self, node: Node, path: str) -> IdeaDoc:
        own = self.check.mapping(node, path, *schema.IDEA) or {}
        author = self.check.key(own, "author", path)
        if author:
            self._refer("person", author, join(path, "author"))
        authors = self._key_list(own, "authors", path, "person")
        if "authors" in own and not authors and own["authors"].kind == SEQ:
            self.problems.error(own["authors"].line, join(path, "authors"),
                                "must name at least one person (the first author first)")
        if "author" not in own and "authors" not in own:
            self.problems.error(node.line, join(path, "author"), "is required")
        elif author and authors and authors[0] and author != authors[0]:
            self.problems.error(
                own["author"].line, join(path, "author"),
                f"{author!r} is not the first of authors ({authors[0]!r}): the first author "
                "leads the list; put them first there, or leave author out",
            )
        component = self.check.key(own, "component", path)
        if component:
            self._refer("component", component, join(path, "component"))
        votes = self.check.integer(own, "votes", path, 0, VOTES_MAX)
        return IdeaDoc(
            text=self.check.text(own, "text", path, multiline=True, required=True),
            author=author,
            authors=authors,
            prompt=self.check.text(own, "prompt", path, limit=PROMPT_ID_CHARS),
            component=component,
            votes=votes if votes is not None else 0,
            status=self.check.choice(own, "status", path, schema.IDEA_STATUSES, "open"),
            merged_into=self.check.integer(own, "merged_into", path, 1),
        )

    def _check_merges(self, ideas: tuple[IdeaDoc, ...], path: str) -> None:
        """A merged idea points at an idea of the same session that is not merged itself."""
        for index, idea in enumerate(ideas):
            target = idea.merged_into
            if target is None:
                continue
            here = f"{path}[{index}]"
            where = join(here, "merged_into")
            if target > len(ideas):
                self.problems.error(self._line(where), where,
                                    f"there is no idea {target}: this session has "
                                    f"{len(ideas)}, counted from 1 in the order listed")
            elif target == index + 1:
                self.problems.error(self._line(where), where,
                                    "an idea cannot be merged into itself")
            elif ideas[target - 1].merged_into is not None:
                self.problems.error(self._line(where), where,
                                    f"idea {target} is itself merged into idea "
                                    f"{ideas[target - 1].merged_into}: point at that one")
            if idea.status != schema.MERGED_STATUS:
                at = join(here, "status")
                self.problems.error(self._line(at), at,
                                    f"a merged idea is kept {schema.MERGED_STATUS!r}, not "
                                    f"{idea.status!r}: write status: {schema.MERGED_STATUS}")
            if idea.votes:
                at = join(here, "votes")
                self.problems.error(self._line(at), at,
                                    "a merged idea's dots moved to the idea it was merged "
                                    "into: give its votes there and leave them out here")

    def _disclosure(self, node: Node, path: str, engagement_key: str) -> DisclosureDoc:
        if node.kind == READ:
            # Read while the file was parsed, before the engagement was: with its key as the
            # file gave it when that came first (as a written file has it), else with none.
            read: DisclosureDoc = node.value
            if read.draft.engagement_key == engagement_key:
                return read
            return replace(read, draft=replace(read.draft, engagement_key=engagement_key))
        own = self.check.mapping(node, path, *schema.DISCLOSURE) or {}
        check = self.check
        key = None
        if "key" in own:
            key = check.text(own, "key", path)
            if parse_disclosure_key(key) is None:
                self.problems.error(own["key"].line, join(path, "key"),
                                    f"{key!r} is not a disclosure key: use FF-YYYY-NNNN (four "
                                    "to nine digits), e.g. FF-2026-0001")
        submitter = check.key(own, "submitter", path)
        if submitter:
            self._refer("person", submitter, join(path, "submitter"))
        draft = DisclosureDraft(
            title=check.text(own, "title", path),
            summary=check.text(own, "summary", path, multiline=True),
            engagement_key=engagement_key,
            phase=check.choice(own, "phase", path, PHASES, ""),
            status=check.choice(own, "status", path, DISCLOSURE_STATUSES, "draft"),
            submitter=submitter,
            business_unit=check.text(own, "business_unit", path),
            problem=check.text(own, "problem", path, multiline=True),
            description=check.text(own, "description", path, multiline=True),
            variants=check.text(own, "variants", path, multiline=True),
            advantages=check.text(own, "advantages", path, multiline=True),
            prior_art=check.text(own, "prior_art", path, multiline=True),
            conception_date=check.date(own, "conception_date", path),
            reduction_to_practice_date=check.date(own, "reduction_to_practice_date", path),
            prototype_exists=bool(check.boolean(own, "prototype_exists", path)),
            records_location=check.text(own, "records_location", path, multiline=True),
            third_parties=check.text(own, "third_parties", path, multiline=True),
            jurisdictions=check.text(own, "jurisdictions", path),
            reverse_engineerable=check.boolean(own, "reverse_engineerable", path),
            completed_in_china=bool(check.boolean(own, "completed_in_china", path)),
            made_in_us=bool(check.boolean(own, "made_in_us", path)),
            inventors=tuple(self._inventor(item, item_path)
                            for item, item_path in check.items(own, "inventors", path)),
            components=self._key_list(own, "components", path, "component"),
        )
        events = tuple(self._event(item, item_path)
                       for item, item_path in check.items(own, "events", path))
        self._check_claims(events, join(path, "events"))
        self._domain_rules(draft, path)
        attachments = tuple(self._attachment(item, item_path)
                            for item, item_path in check.items(own, "attachments", path))
        submitted_on = check.date(own, "submitted_on", path)
        if submitted_on is not None and submitted_on > self.today:
            at = join(path, "submitted_on")
            self.problems.error(self._line(at), at, f"{submitted_on} is in the future: give "
                                                    "the day it was submitted")
        if submitted_on is not None and draft.status == "draft":
            at = join(path, "submitted_on")
            self.problems.error(self._line(at), at, "a draft has not been submitted: leave "
                                                    "submitted_on out, or give its status")
        return DisclosureDoc(draft=draft, key=key, events=events, attachments=attachments,
                             submitted_on=submitted_on)

    def _attachment(self, node: Node, path: str) -> AttachmentDoc:
        own = self.check.mapping(node, path, *schema.ATTACHMENT) or {}
        where = join(path, "path")
        relative = self.check.text(own, "path", path, required=True)
        problem = attachment_path_problem(relative) if relative else None
        if problem:
            self.problems.error(self._line(where), where, problem)
        sha256 = self.check.text(own, "sha256", path).lower()
        if sha256 and not _SHA256.fullmatch(sha256):
            at = join(path, "sha256")
            self.problems.error(self._line(at), at, "must be the file's SHA-256: 64 hex digits "
                                                    "(or leave it out)")
        name = self.check.text(own, "name", path)
        caption = self.check.text(own, "caption", path)
        if len(caption) > CAPTION_CHARS:
            at = join(path, "caption")
            self.problems.error(self._line(at), at, f"is longer than {CAPTION_CHARS} "
                                                    "characters; shorten it")
        return AttachmentDoc(path=relative, name=name, caption=caption, sha256=sha256)

    def _inventor(self, node: Node, path: str) -> InventorEntry:
        own = self.check.mapping(node, path, *schema.INVENTOR) or {}
        person = self.check.key(own, "person", path)
        if person:
            self._refer("person", person, join(path, "person"))
        return InventorEntry(
            person_key=person,
            role=self.check.choice(own, "role", path, ROLES, "inventor"),
            contribution=self.check.number(own, "contribution", path),
            postal_address=self.check.text(own, "postal_address", path, multiline=True),
            citizenship=self.check.text(own, "citizenship", path),
            employer_entity=self.check.text(own, "employer_entity", path, limit=NAME_CHARS),
            contribution_note=self.check.text(own, "contribution_note", path, multiline=True),
        )

    def _event(self, node: Node, path: str) -> EventView:
        own = self.check.mapping(node, path, *schema.EVENT) or {}
        when = self.check.date(own, "date", path)
        event = EventView(
            kind=self.check.choice(own, "kind", path, EVENT_KINDS, ""),
            date=when or date.min,
            jurisdiction=self.check.text(own, "jurisdiction", path, limit=JURISDICTION_CHARS),
            reference=self.check.text(own, "reference", path, limit=REFERENCE_CHARS),
            note=self.check.text(own, "note", path, multiline=True),
            claims_priority_of=self._text_list(own, "claims_priority_of", path),
            restored=bool(self.check.boolean(own, "restored", path)),
        )
        # What the deadline engine cannot read (domain/filings.event_problems); a date already
        # reported as wrong is not reported again.
        for problem in event_problems(event):
            if problem.field == "date" and when is None:
                continue
            where = join(path, problem.field)
            self.problems.error(self._line(where), where, problem.message)
        return event

    def _check_claims(self, events: tuple[EventView, ...], path: str) -> None:
        """Each claim names an earlier filing of the same disclosure by its reference, and
        filings that can be claimed have references of their own."""
        seen: dict[str, int] = {}
        for index, event in enumerate(events):
            if event.kind in FILING_KINDS and event.reference:
                folded = event.reference.casefold()
                if folded in seen:
                    where = join(f"{path}[{index}]", "reference")
                    self.problems.error(self._line(where), where,
                                        f"{event.reference!r} is also the reference of "
                                        f"events[{seen[folded]}]: a priority claim could not "
                                        "tell the two filings apart")
                seen.setdefault(folded, index)
        for index, event in enumerate(events):
            for problem in claim_problems(event, events):
                where = join(f"{path}[{index}]", problem.field)
                self.problems.error(self._line(where), where, problem.message)

    # -- the filing strategy and the tracer register ---------------------------------------

    def _strategy(self, node: Node, engagement_key: str,
                  vendors: tuple[VendorDoc, ...]) -> RecordedStrategy:
        """The recorded strategy inputs; the checks that need no jurisdiction table.

        Whether the table has a rate for the currency depends on the table of the database
        the file goes into, so it is checked when the strategy is computed there.
        """
        path = "strategy"
        own = self.check.mapping(node, path, *schema.STRATEGY) or {}
        revenue = self._amount(own, "annual_revenue", path)
        budget = self._amount(own, "budget", path)
        currency = self.check.text(own, "currency", path)
        if currency and not _CURRENCY.match(currency):
            self._error(join(path, "currency"), f"{currency!r} is not an ISO 4217 currency "
                                                "code: three capital letters, such as USD")
        if not currency and (revenue or budget is not None):
            self._error(join(path, "currency"), "is required with an annual revenue or a budget")
        horizon = self.check.integer(own, "horizon_years", path, *schema.HORIZON_YEARS[:2])
        markets = self._markets(own, path)
        served = {name for vendor in vendors for name in vendor.competitors}
        competitors: list[CompetitorPresence] = []
        for item, where in self.check.items(own, "competitors", path):
            fields = self.check.mapping(item, where, *schema.COMPETITOR) or {}
            code = self._place(fields, where)
            name = self.check.text(fields, "competitor", where, required=True)
            if name and name not in served:
                self._error(join(where, "competitor"),
                            f"{name!r} is not a competitor of this file's vendors: add it to the "
                            "competitors of the vendor that serves it")
            presence = CompetitorPresence(code, name)
            if presence in competitors:
                self._error(where, f"{name} in {code} is listed twice")
            competitors.append(presence)
        indexes: list[CostIndex] = []
        for item, where in self.check.items(own, "cost_indexes", path):
            fields = self.check.mapping(item, where, *schema.COST_INDEX) or {}
            code = self._place(fields, where)
            value = self.check.number(fields, "cost_index", where)
            if value is not None and not value > 0:
                self._error(join(where, "cost_index"), f"{value:g} is not above 0: a cost "
                                                       "index is above 0, lower is cheaper")
            source = self.check.text(fields, "source", where, required=True)
            if len(source) > SOURCE_MAX_CHARS:
                self._error(join(where, "source"), f"at most {SOURCE_MAX_CHARS} characters")
            if code and code in {index.code for index in indexes}:
                self._error(join(where, "code"), f"{code} is listed twice")
            indexes.append(CostIndex(code, value or 0.0, source))
        return normalised(RecordedStrategy(
            engagement=engagement_key,
            annual_revenue=revenue or 0.0,
            currency=currency,
            horizon_years=schema.HORIZON_YEARS[2] if horizon is None else horizon,
            budget=budget,
            markets=tuple(markets),
            competitors=tuple(competitors),
            cost_indexes=tuple(indexes),
        ))

    def _amount(self, fields: Fields, name: str, path: str) -> float | None:
        value = self.check.number(fields, name, path)
        if value is not None and value < 0:
            self._error(join(path, name), f"{value:g} is negative: give an amount of 0 or more")
        return value

    def _markets(self, fields: Fields, path: str) -> list[Market]:
        markets: list[Market] = []
        for item, where in self.check.items(fields, "markets", path):
            own = self.check.mapping(item, where, *schema.MARKET) or {}
            code = self.check.text(own, "code", where)
            if code and not is_jurisdiction_code(code):
                self._error(join(where, "code"), describe_code_problem(code))
            elif code in ROUTE_ONLY:
                self._error(join(where, "code"), f"{code} is an international application, a "
                                                 "route rather than a place: name the countries "
                                                 "or regional offices")
            elif code and code in {m.code for m in markets}:
                self._error(join(where, "code"), f"{code} is listed twice: give one share per "
                                                 "country")
            share = self.check.number(own, "revenue_share", where)
            if share is not None and not 0 <= share <= 1:
                self._error(join(where, "revenue_share"),
                            f"{share:g} is not a share from 0 to 1 (0.3 for 30%)")
            markets.append(Market(code, share or 0.0))
        total = sum(m.revenue_share for m in markets)
        if total > 1 + _SHARE_SLACK:
            self._error(join(path, "markets"), f"the revenue shares add up to {total:.0%}: they "
                                               "cannot exceed 100%")
        return markets

    def _place(self, fields: Fields, where: str) -> str:
        """A country code (a competitor or a vendor works in a country, not at an office)."""
        code = self.check.text(fields, "code", where)
        if code in OFFICES:
            self._error(join(where, "code"), f"{code} is a patent office, not a country: name "
                                             "the country")
        elif code and not is_jurisdiction_code(code):
            self._error(join(where, "code"), describe_code_problem(code))
        return code

    def _tracers(self, fields: Fields, engagement_key: str) -> tuple[Tracer, ...]:
        tracers: list[Tracer] = []
        first: dict[str, str] = {}
        for node, path in self.check.items(fields, "tracers", ""):
            own = self.check.mapping(node, path, *schema.TRACER) or {}
            vendor = self.check.key(own, "vendor", path)
            if vendor:
                self._refer("vendor", vendor, join(path, "vendor"))
            code = self.check.text(own, "code", path)
            if code:
                try:
                    code = format_code(parse_code(code))
                except crockford.CodeError as exc:
                    self._error(join(path, "code"), f"{code!r} is not a tracer code: {exc}")
            if code in first:
                self._error(join(path, "code"), f"{code} is given twice (also {first[code]})")
            first.setdefault(code, path)
            tracers.append(Tracer(
                engagement=engagement_key,
                component=self.check.key(own, "component", path),
                vendor=vendor,
                issued_on=self.check.date(own, "issued_on", path) or date.min,
                kind=self.check.choice(own, "kind", path, tuple(TRACER_KINDS), ""),
                code=code,
            ))
        return tuple(tracers)

    def _error(self, path: str, message: str) -> None:
        self.problems.error(self._line(path), path, message)

    # -- lists of keys and names -----------------------------------------------------------

    def _key_list(self, fields: Fields, name: str, path: str,
                  kind: str | None) -> tuple[str, ...]:
        """Keys, each once; each refers to a record of kind (None: names, not references)."""
        keys: list[str] = []
        for node, item_path in self.check.items(fields, name, path):
            key = self.check.key_of(node, item_path)
            if key in keys:
                self.problems.error(node.line, item_path, f"{key!r} is listed twice")
            elif key and kind is not None:
                self._refer(kind, key, item_path)
            keys.append(key)
        return tuple(keys)

    def _text_list(self, fields: Fields, name: str, path: str) -> tuple[str, ...]:
        values: list[str] = []
        for node, item_path in self.check.items(fields, name, path):
            value = self.check.text_of(node, item_path, required=True)
            if value and value in values:
                self.problems.error(node.line, item_path, f"{value!r} is listed twice")
            values.append(value)
        return tuple(values)

    # -- rules across records --------------------------------------------------------------

    def _domain_rules(self, draft: DisclosureDraft, path: str) -> None:
        """The disclosure rules of domain.disclosure.validate, placed on the file's lines."""
        # A field already reported here (a missing title, a status not in the list) is not
        # reported twice in the domain's words.
        reported = {where for _, where, _ in self.problems.errors}
        for problem in validate(draft, today=self.today):
            where = join(path, problem.field)
            if problem.severity == "error":
                if where not in reported:
                    self.problems.error(self._line(where), where, problem.message)
            else:
                self.problems.warn(self._line(where), where, problem.message)

    def _check_disclosure_identity(self, disclosures: tuple[DisclosureDoc, ...]) -> None:
        """Keys must be unique; a disclosure without a key is matched by its title."""
        titles = Counter(d.title for d in disclosures)
        seen: dict[str, int] = {}
        for index, disclosure in enumerate(disclosures):
            path = f"disclosures[{index}]"
            if disclosure.key is not None:
                if disclosure.key in seen:
                    self.problems.error(self._line(join(path, "key")), join(path, "key"),
                                        f"duplicate key {disclosure.key!r} (also "
                                        f"disclosures[{seen[disclosure.key]}])")
                seen.setdefault(disclosure.key, index)
            elif disclosure.title and titles[disclosure.title] > 1:
                self.problems.error(
                    self._line(join(path, "title")), join(path, "title"),
                    "another disclosure in this file has the same title; a disclosure "
                    "without a key is matched by its title, so give it a key or another title",
                )

    def _refer(self, kind: str, key: str, path: str) -> None:
        self.references.append((kind, key, self._line(path), path))

    def _check_references(self, known: dict[str, set[str]]) -> None:
        for kind, key, line, path in self.references:
            if kind == "organization":
                if key not in known["vendor"]:
                    self.problems.error(line, path, f"unknown organization {key!r}: use "
                                                    f"{INTERNAL!r} or a vendor key")
            elif key not in known[kind]:
                self.problems.error(line, path, f"unknown {kind} {key!r}")

    def _line(self, path: str) -> int:
        """The line of path, or of the nearest enclosing value the file does have."""
        return self.check.line(path) or 1
