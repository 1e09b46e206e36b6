"""Plain, immutable views of the records that screens, the CLI and documents display.

Services build these from the database; everything downstream (rendering, JSON output, the
TUI) reads only these, never ORM objects, so no template or widget can reach the database.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class InventorView:
    """One person named on a disclosure, with the affiliation they had at conception."""

    person_key: str
    name: str
    email: str
    organization: str  # "internal" or the vendor's key, as at conception
    organization_name: str  # display name: the company's own name or the vendor's name
    is_vendor: bool
    role: str  # inventor | contributor
    contribution: float | None  # percent, inventors only
    organization_country: str = ""  # the vendor's country (ISO 3166), "" for own staff
    postal_address: str = ""
    citizenship: str = ""
    employer_entity: str = ""  # the legal entity that employed them at conception
    contribution_note: str = ""  # what they contributed, in a sentence


@dataclass(frozen=True, slots=True)
class EventView:
    """Something that happened (or is planned) to the invention: a disclosure, a filing.

    A filing names the earlier filings whose priority it claims by their `reference`
    (`claims_priority_of`); `restored` says a late claim was restored on petition
    (PCT Rule 26bis.3, 37 CFR 1.78(b), 1.55(c)). docs/DEADLINES.md says how the engine reads them.
    """

    kind: str
    date: date
    jurisdiction: str = ""
    reference: str = ""
    note: str = ""
    claims_priority_of: tuple[str, ...] = ()
    restored: bool = False


@dataclass(frozen=True, slots=True)
class AttachmentView:
    """A file attached to a disclosure: what it is called and holds, never its bytes."""

    file_name: str
    media_type: str
    size: int
    sha256: str
    caption: str = ""

    @property
    def is_figure(self) -> bool:
        """Embedded in documents as a numbered figure (PNG and JPEG)."""
        from firstfile.domain.attachments import is_figure

        return is_figure(self.media_type)


@dataclass(frozen=True, slots=True)
class DisclosureView:
    """Every field of an invention disclosure (REFERENCE.md section 2), as plain data."""

    key: str
    title: str
    status: str
    summary: str = ""
    engagement_key: str = ""
    engagement_name: str = ""
    phase: str = ""
    submitter: str = ""  # a person's key, or a name typed in
    business_unit: str = ""
    submitted_on: date | None = None
    problem: str = ""
    description: str = ""
    variants: str = ""
    advantages: str = ""
    prior_art: str = ""
    conception_date: date | None = None
    reduction_to_practice_date: date | None = None
    prototype_exists: bool = False
    records_location: str = ""
    third_parties: str = ""
    jurisdictions: str = ""
    reverse_engineerable: bool | None = None
    completed_in_china: bool = False
    made_in_us: bool = False  # any part made in the US (35 USC 184 foreign filing licence)
    inventors: tuple[InventorView, ...] = ()
    events: tuple[EventView, ...] = ()
    components: tuple[str, ...] = ()
    attachments: tuple[AttachmentView, ...] = ()
    deleted: bool = False
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 1
    submitter_name: str = ""  # the person's name when submitter is a person's key
    # Signatures, timestamp and content hash, attached by services/evidence.py for the
    # documents that show them; None when the view was read without them.
    evidence: DisclosureEvidence | None = None

    @property
    def submitted_by(self) -> str:
        """Who submitted it, as a person reads it: the person's name, else what was typed."""
        return self.submitter_name or self.submitter

    @property
    def joint_vendors(self) -> tuple[str, ...]:
        """Names of the vendors whose staff are inventors, in the order they appear."""
        seen: list[str] = []
        for person in self.inventors:
            vendor_inventor = person.role == "inventor" and person.is_vendor
            if vendor_inventor and person.organization_name not in seen:
                seen.append(person.organization_name)
        return tuple(seen)

    @property
    def inventor_organizations(self) -> tuple[str, ...]:
        """The organisations (at conception) the inventors came from, each once, in order."""
        return tuple(dict.fromkeys(p.organization for p in self.inventors
                                   if p.role == "inventor"))

    @property
    def joint(self) -> bool:
        """Joint: the inventors come from more than one organisation, a vendor among them."""
        return len(self.inventor_organizations) > 1

    @property
    def vendor_invention(self) -> bool:
        """Every inventor works for one vendor: the vendor may own the invention outright,
        the biggest risk of all (REFERENCE.md), so it is flagged apart from joint ones."""
        return ownership(self.inventor_organizations) == "vendor"

    @property
    def china_doubt(self) -> tuple[str, ...]:
        """The vendors in China whose staff are inventors while the disclosure says it was
        not completed in China: a claim counsel must check (CN confidentiality exam)."""
        if self.completed_in_china:
            return ()
        return tuple(dict.fromkeys(
            p.organization_name or p.organization for p in self.inventors
            if p.role == "inventor" and p.is_vendor and p.organization_country == "CN"))

    def as_json(self) -> dict[str, Any]:
        """The CLI's JSON shape: dates as ISO strings, inventors as small dicts."""
        # A shallow copy, with only the nested records made dicts: asdict() deep-copies every
        # value, which was most of the time `disclosures list --json` spent on its rows.
        data: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        data["events"] = [asdict(e) for e in self.events]
        if self.evidence is not None:
            data["evidence"] = asdict(self.evidence)
        data["engagement"] = data.pop("engagement_key")
        data["joint"] = self.joint
        data["vendor_invention"] = self.vendor_invention
        data["joint_vendors"] = list(self.joint_vendors)
        data["inventors"] = [
            {
                "person": p.person_key,
                "name": p.name,
                "email": p.email,
                "organization": p.organization,
                "organization_name": p.organization_name,
                "role": p.role,
                "contribution": p.contribution,
                "postal_address": p.postal_address,
                "citizenship": p.citizenship,
                "employer_entity": p.employer_entity,
                "contribution_note": p.contribution_note,
            }
            for p in self.inventors
        ]
        data["components"] = list(self.components)
        data["attachments"] = [asdict(a) for a in self.attachments]
        if self.evidence is None:
            data.pop("evidence")
        return _jsonable(data)


@dataclass(frozen=True, slots=True)
class SignatureView:
    """An electronic signature on a disclosure: who, as what, when, and whether it still
    covers the current text (docs/EVIDENCE.md)."""

    meaning: str  # inventor | witness
    statement: str  # the meaning in words, as signed
    signer_name: str
    person_key: str
    actor: str  # the login or database role that signed
    signed_at: datetime
    content_sha256: str  # what was signed
    fingerprint: str  # SHA-256 of the public key, hex
    valid: bool  # the signature verifies against the public key
    covers_current: bool  # the signed content is the disclosure's content now


@dataclass(frozen=True, slots=True)
class TimestampView:
    """A trusted timestamp on a disclosure's content, or the record that none was made."""

    status: str  # stamped | not-timestamped | failed
    subject_sha256: str
    requested_at: datetime
    stamped_at: datetime | None = None
    authority: str = ""  # the signing certificate's subject, or the URL asked
    serial: str = ""
    message: str = ""
    covers_current: bool = False


@dataclass(frozen=True, slots=True)
class DisclosureEvidence:
    """What a document shows as evidence: the content hash now, the signatures, and the
    newest timestamp (None: never asked for one)."""

    content_sha256: str
    signatures: tuple[SignatureView, ...] = ()
    timestamp: TimestampView | None = None


@dataclass(frozen=True, slots=True)
class DisclosureRow:
    """One line of the disclosure list: only what the list shows, so a page loads fast."""

    id: int
    key: str
    title: str
    status: str
    engagement_key: str
    joint: bool
    updated_at: datetime
    rank: float | None = None
    vendor_invention: bool = False

    @property
    def flag(self) -> str:
        """The list's ownership flag: VENDOR, JOINT or nothing."""
        return "VENDOR" if self.vendor_invention else "JOINT" if self.joint else ""


@dataclass(frozen=True, slots=True)
class EngagementView:
    key: str
    name: str
    product: str
    phase: str
    disclosure_count: int = 0
    vendors: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class HomeSummary:
    """What home shows of the portfolio."""

    engagements: tuple[EngagementView, ...]
    recent: tuple[DisclosureRow, ...]
    counts: dict[str, int]  # status -> number of disclosures (deleted ones excluded)
    people: int


def ownership(organizations: tuple[str, ...] | list[str]) -> str:
    """Who may own an invention, from its inventors' organisations at conception: "own"
    (only our staff, or nobody named yet), "vendor" (every inventor from one vendor) or
    "joint" (more than one organisation)."""
    distinct = set(organizations)
    if len(distinct) > 1:
        return "joint"
    if distinct and distinct != {"internal"}:
        return "vendor"
    return "own"


# Values JSON takes as they are: most of a view, tested first because it is checked once
# for each of the some 66 values of every disclosure a list writes.
_PLAIN = frozenset({str, int, bool, float, type(None)})


def _jsonable(value: Any) -> Any:
    if type(value) in _PLAIN:
        return value
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
