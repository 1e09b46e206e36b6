"""The SQLModel tables. Every schema change here needs an Alembic migration in migrations/.

Names follow the domain. Deleting a disclosure sets `deleted_at` (it can be restored), and
AuditEvent rows record every change with old and new values; only a purge by counsel
(services/purge.py) removes a deleted disclosure's rows and the values in its audit rows.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Engagement(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=64)
    name: str = Field(max_length=200)
    product: str = Field(default="", max_length=200)
    phase: str = Field(default="pre", max_length=16)
    created_at: datetime


class Vendor(SQLModel, table=True):
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


class EngagementVendor(SQLModel, table=True):
    engagement_id: int = Field(foreign_key="engagement.id", primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id", primary_key=True)


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=64)
    name: str = Field(max_length=200)
    email: str = Field(default="", max_length=254)
    # None means the company's own staff; otherwise the vendor the person works for.
    vendor_id: int | None = Field(default=None, foreign_key="vendor.id")


class Component(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = Field(foreign_key="engagement.id", index=True)
    key: str = Field(max_length=64)
    name: str = Field(max_length=200)
    kind: str = Field(default="", max_length=32)
    value_add: int = 3
    differentiation: int = 3
    reverse_engineering_difficulty: int = 3
    # Kept in-house and away from every vendor (the article's first practice).
    firewalled: bool = False

    __table_args__ = (UniqueConstraint("engagement_id", "key"),)


class ComponentVendor(SQLModel, table=True):
    component_id: int = Field(foreign_key="component.id", primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id", primary_key=True)


class ExtractionSession(SQLModel, table=True):
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

    __table_args__ = (UniqueConstraint("engagement_id", "key"),)


class SessionParticipant(SQLModel, table=True):
    session_id: int = Field(foreign_key="extractionsession.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True)


class SessionComponent(SQLModel, table=True):
    """A component in focus for an extraction session."""

    session_id: int = Field(foreign_key="extractionsession.id", primary_key=True)
    component_id: int = Field(foreign_key="component.id", primary_key=True)


class Idea(SQLModel, table=True):
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


class IdeaAuthor(SQLModel, table=True):
    """Everyone who contributed an idea (several once duplicates are merged)."""

    idea_id: int = Field(foreign_key="idea.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True)


class IdeaVote(SQLModel, table=True):
    """The dots one participant put on one idea."""

    idea_id: int = Field(foreign_key="idea.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    dots: int = 1


class Disclosure(SQLModel, table=True):
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


class EngagementStep(SQLModel, table=True):
    """A phase-guide step ticked by hand, with when, who and why."""

    engagement_id: int = Field(foreign_key="engagement.id", primary_key=True)
    step_id: str = Field(primary_key=True, max_length=64)
    done_on: date
    who: str = Field(default="", max_length=200)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class AgreementItem(SQLModel, table=True):
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

    __table_args__ = (UniqueConstraint("engagement_id", "vendor_id", "item_id"),)


class Setting(SQLModel, table=True):
    """One setting of the whole database, such as the organisation's name (migration 0011)."""

    name: str = Field(primary_key=True, max_length=64)
    value: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class KeySequence(SQLModel, table=True):
    """The last number handed out per year; only ever incremented, so keys never repeat."""

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last: int = 0


class AuditEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    actor: str = Field(max_length=200)
    entity: str = Field(max_length=32)
    # A record's key, or ENGAGEMENT/KEY (#N for an idea) for records inside an engagement.
    entity_key: str = Field(max_length=200, index=True)
    action: str = Field(max_length=32)
    # JSON object {field: [old, new]}; text, so it reads the same on SQLite and PostgreSQL.
    changes: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))


class DraftBuffer(SQLModel, table=True):
    """Unsaved editor contents, written by autosave so a crash loses at most seconds.

    One row per disclosure being edited (or per new disclosure, keyed by a client token).
    """

    id: int | None = Field(default=None, primary_key=True)
    owner: str = Field(unique=True, max_length=64)
    disclosure_key: str = Field(default="", max_length=32)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    saved_at: datetime


class ActorRole(SQLModel, table=True):
    """A team role held by an actor (the name the audit trail records), granted by whom and
    when. Purging a disclosure needs "counsel"."""

    actor: str = Field(primary_key=True, max_length=200)
    role: str = Field(primary_key=True, max_length=16)
    granted_at: datetime
    granted_by: str = Field(max_length=200)
