"""The agreement checklist for one vendor in one engagement, as plain data and pure rules.

What must be agreed with a contract manufacturer or design firm before any confidential
information is shared (REFERENCE.md section 4; seed article, practices 4 and 7). The items
themselves are data (templates/checklists/*.yaml, read by services/checklist_items.py); this
module decides which items apply to a vendor, where the checklist stands, what blocks the move
to "during", and the cross-checks between checklists and disclosures.

Cross-checks never look at item ids, which an organisation may rename in its own checklist
file: they look at tags (`joint-ip-ownership`, `field-of-business`, `exclusivity`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

ITEM_STATUSES: tuple[str, ...] = ("open", "in-progress", "done", "not-applicable")
# Statuses after which an item no longer needs work.
CLOSED_STATUSES: frozenset[str] = frozenset({"done", "not-applicable"})

# Tags the cross-checks look for.
JOINT_IP_TAG = "joint-ip-ownership"
FIELD_OF_BUSINESS_TAG = "field-of-business"
EXCLUSIVITY_TAG = "exclusivity"
COMPETITOR_TERM_TAGS: frozenset[str] = frozenset({FIELD_OF_BUSINESS_TAG, EXCLUSIVITY_TAG})

JOINT_IP_FLAG = "joint-ip-not-agreed"
COMPETITOR_FLAG = "competitor-not-restricted"


@dataclass(frozen=True, slots=True)
class Condition:
    """When an item applies to a vendor. Every part given must hold; nothing given: always.

    countries / not_countries are ISO codes (NNN only for vendors in CN, a plain NDA
    elsewhere); serves_competitor True means "only when the vendor is known to serve a
    competitor"; kinds limits the item to some vendor kinds (design firms, ODMs).
    """

    countries: tuple[str, ...] = ()
    not_countries: tuple[str, ...] = ()
    serves_competitor: bool | None = None
    kinds: tuple[str, ...] = ()

    def holds_for(self, vendor: VendorFacts) -> bool:
        """True when a vendor with these facts needs the item."""
        country = vendor.country.upper()
        if self.countries and country not in self.countries:
            return False
        if self.not_countries and country in self.not_countries:
            return False
        wanted = self.serves_competitor
        if wanted is not None and wanted != vendor.serves_competitor:
            return False
        return not (self.kinds and vendor.kind not in self.kinds)


@dataclass(frozen=True, slots=True)
class ItemDefinition:
    """One checklist item as the data file defines it.

    title and guidance are for the company's own people; term is the wording of the term as
    it is put to the vendor (empty for items that are only the company's own record, such as
    "confidentiality reinforced verbally").
    """

    id: str
    title: str
    guidance: str
    term: str = ""
    critical: bool = False
    when: Condition = Condition()
    tags: tuple[str, ...] = ()
    source: str = ""  # where the item comes from (file), for messages

    @property
    def for_vendor(self) -> bool:
        """True when the item belongs in the document sent to the vendor."""
        return bool(self.term.strip())


@dataclass(frozen=True, slots=True)
class VendorFacts:
    """What the conditions and cross-checks need to know about a vendor: nothing more."""

    key: str
    name: str
    kind: str
    country: str
    serves_competitor: bool


@dataclass(frozen=True, slots=True)
class ItemState:
    """Where one item stands: status, why not applicable, evidence, date, who, internal note."""

    status: str = "open"
    reason: str = ""
    evidence: str = ""
    internal_note: str = ""
    done_on: date | None = None
    who: str = ""
    # The stored record's version, to pass back when changing it; 0 while never set.
    version: int = 0


OPEN_STATE = ItemState()


@dataclass(frozen=True, slots=True)
class ChecklistLine:
    """An applicable item with its state."""

    item: ItemDefinition
    state: ItemState

    @property
    def closed(self) -> bool:
        return self.state.status in CLOSED_STATUSES

    @property
    def blocking(self) -> bool:
        """A critical item not yet done (or ruled out) blocks sharing information."""
        return self.item.critical and not self.closed


@dataclass(frozen=True, slots=True)
class Checklist:
    """One vendor's checklist in one engagement."""

    vendor: VendorFacts
    lines: tuple[ChecklistLine, ...]

    @property
    def complete(self) -> bool:
        """Every applicable item is done or not applicable."""
        return all(line.closed for line in self.lines)

    @property
    def blocking(self) -> tuple[ChecklistLine, ...]:
        """Critical items still open or in progress."""
        return tuple(line for line in self.lines if line.blocking)

    @property
    def open_count(self) -> int:
        return sum(1 for line in self.lines if not line.closed)

    def has_done(self, tags: Iterable[str]) -> bool:
        """True when an item carrying any of tags is done (not merely not applicable)."""
        wanted = set(tags)
        return any(
            line.state.status == "done" and not wanted.isdisjoint(line.item.tags)
            for line in self.lines
        )


def applicable_items(items: Sequence[ItemDefinition], vendor: VendorFacts) -> list[ItemDefinition]:
    """The items whose conditions hold for the vendor, in the data file's order."""
    return [item for item in items if item.when.holds_for(vendor)]


def build_checklist(
    items: Sequence[ItemDefinition], vendor: VendorFacts, states: Mapping[str, ItemState]
) -> Checklist:
    """The vendor's checklist: each applicable item with its stored state (open when none).

    Stored states of items that no longer apply (the vendor moved country, the organisation
    dropped the item from its file) are kept in the database but not shown.
    """
    return Checklist(
        vendor=vendor,
        lines=tuple(
            ChecklistLine(item, states.get(item.id, OPEN_STATE))
            for item in applicable_items(items, vendor)
        ),
    )


def state_problems(state: ItemState) -> list[str]:
    """What is wrong with a state before it is stored; empty when it may be stored."""
    problems = []
    if state.status not in ITEM_STATUSES:
        problems.append(f"status must be one of {', '.join(ITEM_STATUSES)}, not {state.status!r}")
    if state.status == "not-applicable" and not state.reason.strip():
        problems.append("say why the item does not apply (a reason is required for not-applicable)")
    return problems


# --- the gate before "during" ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Blocker:
    """A critical item still open for a vendor: what blocks sharing information with it."""

    vendor_key: str
    vendor_name: str
    item_id: str
    item_title: str
    status: str

    def __str__(self) -> str:
        return f"{self.vendor_name}: {self.item_title} ({self.status})"


def blockers(checklists: Iterable[Checklist]) -> tuple[Blocker, ...]:
    """Every critical item not yet done, vendor by vendor."""
    return tuple(
        Blocker(c.vendor.key, c.vendor.name, line.item.id, line.item.title, line.state.status)
        for c in checklists
        for line in c.blocking
    )


def needs_override(target_phase: str, checklists: Iterable[Checklist]) -> tuple[Blocker, ...]:
    """The blockers that make a move to target_phase need an explicit override.

    Only the move to "during" is gated: that is when information starts to flow to vendors
    (practice 4: ownership and confidentiality agreed *before* engagement).
    """
    if target_phase != "during":
        return ()
    return blockers(checklists)


# --- cross-checks ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class JointDisclosure:
    """A disclosure with vendor inventors: its key and the keys of those vendors."""

    key: str
    title: str
    vendor_keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Flag:
    """A cross-check that failed, shown on the vendor and (for joint IP) on the disclosure."""

    # JOINT_IP_FLAG, COMPETITOR_FLAG, or the risk cross-checks of domain/risk/cross_checks.py
    kind: str
    vendor_key: str
    vendor_name: str
    disclosure_key: str
    message: str


def joint_ip_flags(
    disclosures: Iterable[JointDisclosure], checklists: Mapping[str, Checklist]
) -> list[Flag]:
    """A joint disclosure whose vendor has no completed joint-IP-ownership item is flagged.

    A vendor inventor without any checklist in this engagement is flagged too: nothing at all
    was agreed about who owns what that vendor co-invents.
    """
    flags = []
    for disclosure in disclosures:
        for vendor_key in disclosure.vendor_keys:
            checklist = checklists.get(vendor_key)
            if checklist is not None and checklist.has_done({JOINT_IP_TAG}):
                continue
            name = checklist.vendor.name if checklist else vendor_key
            flags.append(Flag(
                kind=JOINT_IP_FLAG, vendor_key=vendor_key, vendor_name=name,
                disclosure_key=disclosure.key,
                message=f"{disclosure.key} is joint with {name}, and ownership of jointly "
                        "developed IP is not agreed with that vendor (no joint-IP-ownership "
                        "item done)",
            ))
    return flags


def competitor_flags(checklists: Iterable[Checklist]) -> list[Flag]:
    """A vendor serving a known competitor without a field-of-business restriction or
    exclusivity (either done) is flagged (practice 7)."""
    return [
        Flag(
            kind=COMPETITOR_FLAG, vendor_key=c.vendor.key, vendor_name=c.vendor.name,
            disclosure_key="",
            message=f"{c.vendor.name} serves a known competitor, and neither a "
                    "field-of-business restriction nor exclusivity is agreed",
        )
        for c in checklists
        if c.vendor.serves_competitor and not c.has_done(COMPETITOR_TERM_TAGS)
    ]


# --- the vendor's version ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VendorTerm:
    """One term as the vendor reads it: a number, a title and the wording. Nothing else."""

    number: int
    title: str
    text: str


def vendor_terms(items: Sequence[ItemDefinition], vendor: VendorFacts,
                 not_applicable: Iterable[str]) -> tuple[VendorTerm, ...]:
    """The terms to agree with the vendor, built only from the item definitions.

    This is an allowlist: the vendor's version takes each applicable item's title and term
    wording, never a status, evidence, note, date or name from the internal checklist. Items
    ruled out (not_applicable ids) and items without vendor wording are left out.
    """
    skipped = set(not_applicable)
    chosen = [item for item in applicable_items(items, vendor)
              if item.for_vendor and item.id not in skipped]
    return tuple(
        VendorTerm(number=index, title=item.title, text=item.term.strip())
        for index, item in enumerate(chosen, start=1)
    )


@dataclass(frozen=True, slots=True)
class VendorChecklistDocument:
    """Everything the vendor's version of the checklist shows: its own name, the date of
    issue, the terms, our organisation's name and the vendor's document canary. There is
    deliberately no field for anything else.

    canary is the code of the vendor's document-canary tracer (domain/tracers.py): a
    leaked copy names the vendor it was sent to, and only this database can tell which.
    """

    vendor_name: str
    issued_on: date
    terms: tuple[VendorTerm, ...]
    canary: str = ""
    organization_name: str = ""  # ours, as the signature block names us
    # The engagement as vendors see it (its file name): never the internal key or name.
    vendor_facing_name: str = ""
    # On how many engagements the vendor is: with more than one, the file needs that name.
    vendor_engagements: int = 1


@dataclass(frozen=True, slots=True)
class InternalChecklistDocument:
    """The company's own version: every item with status, evidence and notes, and the flags."""

    engagement_key: str
    engagement_name: str
    product: str
    phase: str
    vendor_key: str
    vendor_name: str
    vendor_kind: str
    vendor_country: str
    competitors: tuple[str, ...]
    vendor_notes: str
    checklist: Checklist
    flags: tuple[Flag, ...]
    issued_on: date
    prepared_by: str
    organization_name: str = ""  # ours, as the confidentiality marking names us
