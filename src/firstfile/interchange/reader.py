"""Reading and checking a `firstfile/1` file (docs/FORMAT.md) into an InterchangeDocument.

Every problem in the file is collected, each with its file, line and path, and reported in
one InterchangeError; warnings (draft-level notes) travel on the document instead.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TypeVar

from firstfile.domain.attachments import (
    CAPTION_CHARS,
    AttachmentRefused,
    check_file,
    sha256_of,
    size_words,
)
from firstfile.domain.attachments import MAX_FILE_BYTES as ATTACHMENT_BYTES
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
from firstfile.interchange.document import (
    FORMAT_NAME,
    AttachmentDoc,
    ComponentDoc,
    DisclosureDoc,
    EngagementDoc,
    IdeaDoc,
    InterchangeDocument,
    PersonDoc,
    SessionDoc,
    VendorDoc,
)
from firstfile.interchange.fields import Checker, Fields, join
from firstfile.interchange.json_nodes import json_nodes
from firstfile.interchange.nodes import MAX_FILE_BYTES, SEQ, Node
from firstfile.interchange.problems import InterchangeError, Problems
from firstfile.interchange.raw_text import make_readable
from firstfile.interchange.yaml_nodes import yaml_nodes

_COUNTRY = re.compile(r"^[A-Z]{2}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
Record = TypeVar("Record", VendorDoc, PersonDoc, ComponentDoc, SessionDoc)


def read_document(path: Path, *, today: date | None = None) -> InterchangeDocument:
    """Read the file at path (YAML, or JSON when it ends in .json); see parse_document.
    Attached files are read from beside it (read_attachments)."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InterchangeError([
            f"{path.name}:1: the file is {size / 1024 / 1024:.0f} MB; files over "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB are refused: split it into one file per "
            "engagement"
        ])
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InterchangeError([
            f"{path.name}:{line}: the file is not UTF-8 text (byte 0x{data[exc.start]:02x}); "
            "save it as UTF-8"
        ]) from None
    return read_attachments(parse_document(text, path.name, today=today), path.parent)


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
    disclosures = []
    problems: list[str] = []
    for index, disclosure in enumerate(document.disclosures):
        loaded = []
        for number, attachment in enumerate(disclosure.attachments):
            where = document.where(f"disclosures[{index}].attachments[{number}].path")
            data, problem = _attached_file(folder, attachment)
            if problem:
                problems.append(f"{where}: {problem}")
                loaded.append(attachment)
            else:
                loaded.append(replace(attachment, sha256=sha256_of(data), data=data))
        disclosures.append(replace(disclosure, attachments=tuple(loaded)))
    if problems:
        raise InterchangeError(problems)
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
    if len(text) > MAX_FILE_BYTES:
        problems.error(1, "", f"the text is over {MAX_FILE_BYTES // 1024 // 1024} MB: split "
                              "it into one file per engagement")
        problems.raise_if_errors()
    is_json = _is_json(text, source, fmt)
    text = make_readable(text, problems, json=is_json)
    root = (json_nodes if is_json else yaml_nodes)(text, problems)
    document = None
    reader = _DocumentReader(problems, today or date.today())
    if root is not None:
        document = reader.read(root)
    problems.raise_if_errors()
    assert document is not None  # no errors means the reader built it
    return replace(document, warnings=tuple(problems.format_warnings()), source=source,
                   lines=reader.check.lines, stated=frozenset(reader.check.stated))


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
        sessions = self._records(fields, "sessions", self._session)
        disclosures = tuple(
            self._disclosure(node, path, engagement.key)
            for node, path in self.check.items(fields, "disclosures", "")
        )
        self._check_disclosure_identity(disclosures)
        self._check_references({
            "person": {p.key for p in people},
            "vendor": {v.key for v in vendors},
            "component": {c.key for c in components},
        })
        return InterchangeDocument(engagement, vendors, people, components, sessions,
                                   disclosures)

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
        return VendorDoc(
            key=key,
            name=self.check.text(own, "name", path, required=True, limit=NAME_CHARS),
            kind=self.check.choice(own, "kind", path, VENDOR_KINDS, ""),
            country=country,
            competitors=self._text_list(own, "competitors", path),
            nda_signed_on=signed,
            nda_expires_on=expires,
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

        return ComponentDoc(
            key=self.check.key(own, "key", path),
            name=self.check.text(own, "name", path, required=True, limit=NAME_CHARS),
            value_add=score("value_add"),
            differentiation=score("differentiation"),
            reverse_engineering_difficulty=score("reverse_engineering_difficulty"),
            kind=self.check.text(own, "kind", path, limit=KIND_CHARS),
            vendors=self._key_list(own, "vendors", path, "vendor"),
        )

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
        )

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
        while path:
            if path in self.check.lines:
                return self.check.lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return self.check.lines.get("", 1)
