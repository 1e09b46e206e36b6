"""The SQLModel tables. Every schema change here needs an Alembic migration in migrations/.

Names follow the domain. Deleting a disclosure sets `deleted_at` (it can be restored), and
AuditEvent rows record every change with old and new values; only a purge by counsel
(services/purge.py) removes a deleted disclosure's rows and the values in its audit rows.
Every record a user edits is `Versioned` (storage/versions.py): its updates only apply to the
version they were read at.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Integer, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from firstfile.storage.versions import Versioned


class Engagement(Versioned, SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=64)
    name: str = Field(max_length=200)
    product: str = Field(default="", max_length=200)
    phase: str = Field(default="pre", max_length=16)
    created_at: datetime
    # The name vendors see for this engagement (in their checklist's file name), so the
    # internal key and name never reach them; "" until the user sets one.
    vendor_facing_name: str = Field(default="", max_length=200)
    version: int = 1


class Vendor(Versioned, SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=64)
    name: str = Field(max_length=200)
    kind: str = Field(default="contract-manufacturer", max_length=32)
    country: str = Field(default="", max_length=2)
    # Competitors the vendor is known to serve, one name per line.
    competitors: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # Internal notes about the vendor: never in a document meant for the vendor.
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # The NDA's term: signed and the day its confidentiality duty ends (deadline rule
    # vendor-nda-expiry). None when not recorded.
    nda_signed_on: date | None = None
    nda_expires_on: date | None = None
    version: int = 1


class EngagementVendor(SQLModel, table=True):
    engagement_id: int = Field(foreign_key="engagement.id", primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id", primary_key=True)


class Person(Versioned, SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=64)
    name: str = Field(max_length=200)
    email: str = Field(default="", max_length=254)
    # None means the company's own staff; otherwise the vendor the person works for.
    vendor_id: int | None = Field(default=None, foreign_key="vendor.id")
    version: int = 1


class Component(Versioned, SQLModel, table=True):
    """A node of an engagement's component tree (docs/RISK.md): product part, subsystem or
    process step, with the article's three scores, each with its one-line reason, and who
    assessed them when. Earlier scores and reasons are in the audit trail."""
    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = Field(foreign_key="engagement.id", index=True)
    key: str = Field(max_length=64)
    name: str = Field(max_length=200)
    kind: str = Field(default="", max_length=32)
    # None hangs the node directly under the engagement's product.
    parent_id: int | None = Field(default=None, foreign_key="component.id")
    value_add: int = 3
    differentiation: int = 3
    reverse_engineering_difficulty: int = 3
    value_add_reason: str = Field(default="", sa_column=Column(Text, nullable=False,
                                                               default=""))
    differentiation_reason: str = Field(default="", sa_column=Column(Text, nullable=False,
                                                                     default=""))
    reverse_engineering_difficulty_reason: str = Field(
        default="", sa_column=Column(Text, nullable=False, default=""))
    assessor: str = Field(default="", max_length=200)
    assessed_on: date | None = None
    version: int = 1

    __table_args__ = (UniqueConstraint("engagement_id", "key"),)


class ComponentVendor(SQLModel, table=True):
    """A vendor assigned a component; a pinned assignment is kept by the best split."""

    component_id: int = Field(foreign_key="component.id", primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id", primary_key=True)
    pinned: bool = False


class ComponentDecision(SQLModel, table=True):
    """The user's decision for a component (keep in-house, outsource with safeguards,
    outsource), next to the policy's recommendation; earlier decisions are in the audit trail."""

    component_id: int = Field(foreign_key="component.id", primary_key=True)
    disposition: str = Field(max_length=32)
    # Required when the decision goes against the recommendation.
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    decided_by: str = Field(default="", max_length=200)
    decided_on: date | None = None


class CriticalSet(SQLModel, table=True):
    """Components that together reveal a subsystem: no vendor should hold all of them."""

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = Field(foreign_key="engagement.id")
    key: str = Field(max_length=64)
    name: str = Field(max_length=200)
    # The subsystem the set reveals, when it is a node of the tree.
    reveals_id: int | None = Field(default=None, foreign_key="component.id")
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))

    __table_args__ = (UniqueConstraint("engagement_id", "key"),)


class CriticalSetMember(SQLModel, table=True):
    critical_set_id: int = Field(foreign_key="criticalset.id", primary_key=True)
    component_id: int = Field(foreign_key="component.id", primary_key=True)
    position: int = 0


class VendorSafeguard(SQLModel, table=True):
    """A safeguard against a vendor's competitor work that is not a term of the agreement
    checklist in force (a premium rate, by default). The safeguards that are terms are the
    checklist's own items (services/risk_safeguards.py), so each is recorded in one place."""

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = Field(foreign_key="engagement.id")
    vendor_id: int = Field(foreign_key="vendor.id")
    kind: str = Field(max_length=32)
    status: str = Field(default="open", max_length=16)  # open|in-progress|done|not-applicable
    done_on: date | None = None
    evidence: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    who: str = Field(default="", max_length=200)

    __table_args__ = (UniqueConstraint("engagement_id", "vendor_id", "kind"),)


class TacticAction(SQLModel, table=True):
    """Where one of the article's design tactics stands for a component kept in-house that a
    vendor touches (a sealed module, on-shore servers, a tracer)."""

    id: int | None = Field(default=None, primary_key=True)
    component_id: int = Field(foreign_key="component.id")
    vendor_id: int = Field(foreign_key="vendor.id")
    tactic: str = Field(max_length=64)
    status: str = Field(default="open", max_length=16)
    done_on: date | None = None
    evidence: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    who: str = Field(default="", max_length=200)

    __table_args__ = (UniqueConstraint("component_id", "vendor_id", "tactic"),)


class ExtractionSession(Versioned, SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = Field(foreign_key="engagement.id", index=True)
    key: str = Field(max_length=64)
    title: str = Field(max_length=200)
    phase: str = Field(default="pre", max_length=16)
    held_on: date | None = None
    goal: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    facilitator_id: int | None = Field(default=None, foreign_key="person.id")
    status: str = Field(default="planned", max_length=16)  # planned | running | ended
    time_box_minutes: int = 60
    prompt_minutes: int = 5
    dots_per_participant: int = 3
    decks: str = Field(default="", max_length=400)  # deck names, comma separated, in order
    current_prompt: int = 0  # index into the session's prompt order
    started_at: datetime | None = None
    ended_at: datetime | None = None
    version: int = 1

    __table_args__ = (UniqueConstraint("engagement_id", "key"),)


class SessionSitting(SQLModel, table=True):
    """One sitting of a session: the room met from started_at to ended_at (None while it
    runs). A session reopened after it ended gets a new sitting, so no held time is ever
    overwritten; the session's own started_at/ended_at are the first start and the last end."""

    __tablename__ = "session_sittings"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="extractionsession.id", index=True)
    number: int  # 1, 2, ... in the order the room met
    started_at: datetime
    ended_at: datetime | None = None

    __table_args__ = (UniqueConstraint("session_id", "number"),)


class SessionParticipant(SQLModel, table=True):
    session_id: int = Field(foreign_key="extractionsession.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True)


class SessionComponent(SQLModel, table=True):
    """A component in focus for an extraction session."""

    session_id: int = Field(foreign_key="extractionsession.id", primary_key=True)
    component_id: int = Field(foreign_key="component.id", primary_key=True)


class Idea(Versioned, SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="extractionsession.id", index=True)
    position: int = 0
    text: str = Field(sa_column=Column(Text, nullable=False))
    author_id: int | None = Field(default=None, foreign_key="person.id")
    prompt_id: str = Field(default="", max_length=64)
    component_id: int | None = Field(default=None, foreign_key="component.id")
    votes: int = 0
    status: str = Field(default="open", max_length=16)  # open | parked | merged | promoted
    # A merged idea points at the idea it was merged into; the survivor keeps every author.
    merged_into_id: int | None = Field(default=None)
    created_at: datetime
    version: int = 1


class IdeaAuthor(SQLModel, table=True):
    """Everyone who contributed an idea (several once duplicates are merged)."""

    idea_id: int = Field(foreign_key="idea.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True)


class IdeaVote(SQLModel, table=True):
    """The dots one participant put on one idea."""

    idea_id: int = Field(foreign_key="idea.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    dots: int = 1


class Disclosure(Versioned, SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=32)
    title: str = Field(max_length=200)
    status: str = Field(default="draft", max_length=16)
    engagement_id: int | None = Field(default=None, foreign_key="engagement.id")
    phase: str = Field(default="", max_length=16)
    submitter: str = Field(default="", max_length=200)
    business_unit: str = Field(default="", max_length=200)
    submitted_on: date | None = None
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    problem: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    variants: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    advantages: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    prior_art: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    conception_date: date | None = None
    reduction_to_practice_date: date | None = None
    prototype_exists: bool = False
    records_location: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    third_parties: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    jurisdictions: str = Field(default="", max_length=200)
    reverse_engineerable: bool | None = None
    completed_in_china: bool = False
    # Any part made in the US: filing abroad needs the foreign filing licence (35 USC 184).
    made_in_us: bool = False
    # Denormalised from the inventors so the list can show and filter them without a join:
    # joint when the inventors come from more than one organisation, a vendor invention when
    # they all come from one vendor (domain/views.ownership; migration 0011).
    joint: bool = False
    vendor_invention: bool = False
    source_idea_id: int | None = Field(default=None, foreign_key="idea.id")
    # Where a promoted idea came from (the session and the prompt it answered).
    source_session_id: int | None = Field(default=None)
    source_prompt_id: str = Field(default="", max_length=64)
    german_employee_invention: bool = False
    # The counsel workflow: the decision, why, and notes that stay internal.
    decision: str = Field(default="", max_length=32)
    decision_rationale: str = Field(default="", sa_column=Column(Text, nullable=False,
                                                                 default=""))
    decided_on: date | None = None
    reviewer_notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    deleted_at: datetime | None = None
    created_at: datetime
    updated_at: datetime = Field(index=True)
    version: int = 1

    # The list pages by (sort column, id) within a filter, so each filter and sort has an
    # index it can walk in order (migration 0003); counts use the narrow ones index-only.
    __table_args__ = (
        Index("ix_disclosure_live_updated", "deleted_at", "updated_at"),
        Index("ix_disclosure_live_title", "deleted_at", "title"),
        Index("ix_disclosure_live_status", "deleted_at", "status"),
        Index("ix_disclosure_engagement_live", "engagement_id", "deleted_at", "updated_at"),
        Index("ix_disclosure_status_live", "status", "deleted_at", "updated_at"),
    )


class DisclosureInventor(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    disclosure_id: int = Field(foreign_key="disclosure.id", index=True)
    person_id: int = Field(foreign_key="person.id")
    position: int = 0
    role: str = Field(default="inventor", max_length=16)
    contribution: float | None = None
    # The organisation at conception is kept even if the person later changes employer.
    organization_key: str = Field(default="internal", max_length=64)
    organization_name: str = Field(default="", max_length=200)
    # What counsel needs to file (migration 0011): where the person lives, their
    # citizenship (ISO 3166 alpha-2), the legal entity that employed them at conception
    # (employee-invention rules in CN and DE follow the employer) and what they contributed.
    postal_address: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    citizenship: str = Field(default="", max_length=2)
    employer_entity: str = Field(default="", max_length=200)
    contribution_note: str = Field(default="", sa_column=Column(Text, nullable=False,
                                                                default=""))


class DisclosureEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    disclosure_id: int = Field(foreign_key="disclosure.id", index=True)
    kind: str = Field(max_length=32)
    happened_on: date
    jurisdiction: str = Field(default="", max_length=8)
    reference: str = Field(default="", max_length=200)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # The references of the earlier filings this filing claims, one per line, and whether a
    # late claim was restored on petition (domain/filings.py).
    claims_priority_of: str = Field(default="", sa_column=Column(Text, nullable=False,
                                                                 default=""))
    restored: bool = False


class DisclosureComponent(SQLModel, table=True):
    disclosure_id: int = Field(foreign_key="disclosure.id", primary_key=True)
    component_id: int = Field(foreign_key="component.id", primary_key=True)


class AttachmentBlob(SQLModel, table=True):
    """The bytes of an attached file, stored once by their SHA-256 however often attached.

    Kept in the database, not beside it (docs/ARCHITECTURE.md, "Attachments")."""

    sha256: str = Field(primary_key=True, max_length=64)
    size: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class DisclosureAttachment(SQLModel, table=True):
    """A file attached to a disclosure: its name and caption, who attached it and when."""

    id: int | None = Field(default=None, primary_key=True)
    disclosure_id: int = Field(foreign_key="disclosure.id", index=True)
    sha256: str = Field(foreign_key="attachmentblob.sha256", max_length=64)
    position: int = 0
    file_name: str = Field(max_length=200)
    media_type: str = Field(max_length=100)
    size: int
    caption: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    added_at: datetime
    added_by: str = Field(default="", max_length=200)

    __table_args__ = (UniqueConstraint("disclosure_id", "sha256"),)


class EngagementStep(Versioned, SQLModel, table=True):
    """A phase-guide step ticked by hand, with when, who and why."""

    engagement_id: int = Field(foreign_key="engagement.id", primary_key=True)
    step_id: str = Field(primary_key=True, max_length=64)
    done_on: date
    who: str = Field(default="", max_length=200)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    version: int = 1


class AgreementItem(Versioned, SQLModel, table=True):
    """Where one agreement-checklist item stands for one vendor in one engagement."""

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = Field(foreign_key="engagement.id", index=True)
    vendor_id: int = Field(foreign_key="vendor.id")
    item_id: str = Field(max_length=64)
    status: str = Field(default="open", max_length=16)  # open|in-progress|done|not-applicable
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    evidence: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    internal_note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    done_on: date | None = None
    who: str = Field(default="", max_length=200)
    version: int = 1

    __table_args__ = (UniqueConstraint("engagement_id", "vendor_id", "item_id"),)


class EngagementStrategy(SQLModel, table=True):
    """The filing-strategy inputs of an engagement (practice 2): its product's annual revenue,
    the horizon and an optional budget. Markets, competitor countries and cost indexes are
    rows of their own; where the product is made and designed is never stored: it follows
    from the engagement's vendors, so it cannot go stale."""

    engagement_id: int = Field(foreign_key="engagement.id", primary_key=True,
                               sa_column_kwargs={"autoincrement": False})
    annual_revenue: float = 0.0
    currency: str = Field(default="USD", max_length=3)
    horizon_years: int = 10
    budget: float | None = None


class StrategyMarket(SQLModel, table=True):
    """Where the engagement's product is sold and used, with its rough share of revenue."""

    engagement_id: int = Field(foreign_key="engagement.id", primary_key=True)
    code: str = Field(primary_key=True, max_length=2)
    revenue_share: float  # 0 to 1


class StrategyCompetitor(SQLModel, table=True):
    """A country where a competitor that one of the engagement's vendors serves operates."""

    engagement_id: int = Field(foreign_key="engagement.id", primary_key=True)
    competitor: str = Field(primary_key=True, max_length=200)
    code: str = Field(primary_key=True, max_length=2)


class OutsourcingCostIndex(SQLModel, table=True):
    """The user's manufacturing-cost index for a candidate vendor country, with its source."""

    engagement_id: int = Field(foreign_key="engagement.id", primary_key=True)
    code: str = Field(primary_key=True, max_length=2)
    cost_index: float  # above 0; lower is cheaper
    source: str = Field(max_length=200)


class Tracer(SQLModel, table=True):
    """One issued tracer (practice 1): the marker one vendor's copy of a component carries.

    The code is derived from the other fields with the database's secret (domain/tracers.py)
    and is never typed; the component is kept as the key it was issued for (for a document
    canary, the documents it goes into), so the entry stays evidence whatever later happens
    to the component itself. Tracers are never deleted.
    """

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = Field(foreign_key="engagement.id", index=True)
    vendor_id: int = Field(foreign_key="vendor.id", index=True)
    component: str = Field(max_length=64)
    kind: str = Field(max_length=32)
    issued_on: date
    code: str = Field(unique=True, max_length=16)


class TracerSecret(SQLModel, table=True):
    """The per-database key tracer codes are derived with: one row, made on first use.

    It never leaves the database: no export, document, bundle or command output reads it.
    """

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    secret: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime


class Setting(Versioned, SQLModel, table=True):
    """One setting of the whole database, such as the organisation's name (migration 0011)."""

    name: str = Field(primary_key=True, max_length=64)
    value: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    version: int = 1


class KeySequence(SQLModel, table=True):
    """The last number handed out per year; only ever incremented, so keys never repeat."""

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last: int = 0


class AuditEvent(SQLModel, table=True):
    """One change, in a hash chain (domain/evidence.py, docs/EVIDENCE.md): `seq` is the row's
    place in the chain, `content_sha256` the hash of everything about it (its values through
    `values_sha256`, so a purge can remove them), `chain_sha256` links it to the row before."""

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(sa_column=Column(Integer, nullable=False, unique=True, index=True,
                                      server_default="0"))
    at: datetime = Field(index=True)
    # Who: the database role on PostgreSQL, the operating-system account on SQLite.
    actor: str = Field(max_length=200)
    # The display name they chose ($FIRSTFILE_USER); the same as actor when none was given.
    actor_name: str = Field(default="", max_length=200)
    entity: str = Field(max_length=32)
    # A record's key, or ENGAGEMENT/KEY (#N for an idea) for records inside an engagement.
    entity_key: str = Field(max_length=200, index=True)
    action: str = Field(max_length=32)
    # JSON object {field: [old, new]}; text, so it reads the same on SQLite and PostgreSQL.
    changes: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    # The hash of the record's content after the change (disclosures), or "".
    record_sha256: str = Field(default="", max_length=64)
    values_sha256: str = Field(default="", max_length=64)
    content_sha256: str = Field(default="", max_length=64)
    chain_sha256: str = Field(default="", max_length=64)


class AuditChainHead(SQLModel, table=True):
    """The last row of the audit chain: one row (id 1), locked by every transaction that
    appends to the chain, so that no two transactions link to the same predecessor."""

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    seq: int = 0
    chain_sha256: str = Field(max_length=64)


class TrustedTimestamp(SQLModel, table=True):
    """An RFC 3161 timestamp (or the attempt at one) on a disclosure's content or on an anchor
    of the audit chain. `subject` holds the exact bytes stamped, as text; the token is the
    authority's whole response (DER), as `openssl ts -verify -in` reads it."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # disclosure | anchor
    disclosure_key: str = Field(default="", max_length=32, index=True)
    # Anchors: the chain position and hash stamped (also inside the subject).
    seq: int | None = None
    subject: str = Field(sa_column=Column(Text, nullable=False))
    subject_sha256: str = Field(max_length=64)
    reason: str = Field(default="", max_length=64)
    status: str = Field(max_length=16)  # stamped | not-timestamped | failed
    message: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    tsa_url: str = Field(default="", max_length=500)
    # The authority's CA certificate(s) as configured when stamping (PEM), or "".
    tsa_ca: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    token: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    stamped_at: datetime | None = None  # the authority's time, from the token
    requested_at: datetime
    actor: str = Field(max_length=200)


class SignerKey(SQLModel, table=True):
    """An Ed25519 public key, who holds it (actor) and the person it signs as."""

    id: int | None = Field(default=None, primary_key=True)
    actor: str = Field(max_length=200, index=True)
    person_key: str = Field(max_length=64)
    public_key: str = Field(unique=True, max_length=64)  # raw key, hex
    registered_at: datetime


class DisclosureSignature(SQLModel, table=True):
    """A signature with meaning: `statement` holds the exact bytes signed
    (domain/evidence.signature_statement), `signature` the Ed25519 signature, hex."""

    id: int | None = Field(default=None, primary_key=True)
    disclosure_id: int = Field(foreign_key="disclosure.id", index=True)
    key_id: int = Field(foreign_key="signerkey.id")
    meaning: str = Field(max_length=16)
    person_key: str = Field(max_length=64)
    signer_name: str = Field(max_length=200)
    actor: str = Field(max_length=200)
    signed_at: datetime
    content_sha256: str = Field(max_length=64)
    statement: str = Field(sa_column=Column(Text, nullable=False))
    signature: str = Field(max_length=128)


class Transfer(SQLModel, table=True):
    """Confidential material that went to a vendor: when, under which agreement, and where
    the checklist's NDA item stood at that moment. Entries are never changed: a correction is
    a new entry."""

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = Field(foreign_key="engagement.id", index=True)
    vendor_id: int = Field(foreign_key="vendor.id", index=True)
    sent_on: date
    agreement: str = Field(default="", max_length=200)
    # The checklist's NDA item for the vendor (nda, or nnn-non-disclosure in China) and its
    # status when the entry was recorded.
    nda_item: str = Field(default="", max_length=64)
    nda_status: str = Field(default="", max_length=16)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    recorded_at: datetime
    actor: str = Field(max_length=200)
    actor_name: str = Field(default="", max_length=200)


class TransferFile(SQLModel, table=True):
    """A file of a transfer: its name, size and SHA-256; its bytes only when asked to keep."""

    id: int | None = Field(default=None, primary_key=True)
    transfer_id: int = Field(foreign_key="transfer.id", index=True)
    name: str = Field(max_length=255)
    size: int
    sha256: str = Field(max_length=64)
    content: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))


class TransferComponent(SQLModel, table=True):
    transfer_id: int = Field(foreign_key="transfer.id", primary_key=True)
    component_id: int = Field(foreign_key="component.id", primary_key=True)


class DraftBuffer(SQLModel, table=True):
    """Unsaved editor contents, written by autosave so a crash loses at most seconds.

    One row per user and per thing being edited (a disclosure, quick capture, a session's
    capture line): two people editing the same disclosure each keep their own text. Rows
    written before buffers were kept per user have an empty actor (services/drafts.py).
    """

    id: int | None = Field(default=None, primary_key=True)
    # Who typed it: the audit trail's actor name.
    actor: str = Field(default="", max_length=200)
    owner: str = Field(max_length=64)
    disclosure_key: str = Field(default="", max_length=32)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    saved_at: datetime

    __table_args__ = (UniqueConstraint("actor", "owner", name="uq_draftbuffer_actor_owner"),)


class ActorRole(SQLModel, table=True):
    """A team role held by an actor (the name the audit trail records), granted by whom and
    when. Purging a disclosure needs "counsel"."""

    actor: str = Field(primary_key=True, max_length=200)
    role: str = Field(primary_key=True, max_length=16)
    granted_at: datetime
    granted_by: str = Field(max_length=200)
