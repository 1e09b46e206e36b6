"""The outsourcing-risk cross-checks shown beside the agreement checklist's: on the engagement,
and in the editor of each disclosure they concern.

They need no firewall policy, only what the user recorded, so a broken policy file never
hides them:

- firewall-assigned: a component the user decided to keep in-house is assigned to a vendor;
- could-reproduce: a vendor is assigned every member of a critical set (docs/RISK.md,
  section 5); a disclosure about any member carries the flag too, since what it describes is
  part of what that vendor could reproduce.

The flags are `checklist.Flag`s, so the engagement screen, the CLI and the editor list them
with the others.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from firstfile.domain.checklist import Flag
from firstfile.domain.phase_guide import ComponentFacts, EngagementFacts, could_reproduce
from firstfile.domain.risk.policy import listing
from firstfile.domain.risk.vocabulary import COULD_REPRODUCE_FLAG, FIREWALL_ASSIGNED_FLAG


def engagement_risk_flags(facts: EngagementFacts) -> list[Flag]:
    """The engagement's firewall-assigned and could-reproduce flags (no disclosure named)."""
    return [flag for flag, _members in _flags(facts)]


def disclosure_risk_flags(facts: EngagementFacts, about: Mapping[str, Sequence[str]]) -> list[Flag]:
    """The same flags on each disclosure about a component they concern.

    about: disclosure key -> the keys of the components it is about, in the disclosures'
    order.
    """
    found = _flags(facts)
    flags = []
    for disclosure_key, components in about.items():
        wanted = set(components)
        for flag, members in found:
            if wanted.intersection(members):
                flags.append(
                    Flag(
                        kind=flag.kind,
                        vendor_key=flag.vendor_key,
                        vendor_name=flag.vendor_name,
                        disclosure_key=disclosure_key,
                        message=flag.message,
                    )
                )
    return flags


def _flags(facts: EngagementFacts) -> list[tuple[Flag, tuple[str, ...]]]:
    """Each flag with the components it concerns."""
    names = facts.vendor_names
    found: list[tuple[Flag, tuple[str, ...]]] = []
    for component in facts.components:
        if not component.kept_in_house:
            continue
        for vendor in component.vendor_keys:
            found.append((_firewall_assigned(component, vendor, names), (component.key,)))
    for critical, vendor in could_reproduce(facts):
        name = names.get(vendor, vendor)
        found.append(
            (
                Flag(
                    kind=COULD_REPRODUCE_FLAG,
                    vendor_key=vendor,
                    vendor_name=name,
                    disclosure_key="",
                    message=f"{name} holds every part of {critical.name} "
                    f"({listing(critical.members)}) and could reproduce it",
                ),
                critical.members,
            )
        )
    return found


def _firewall_assigned(component: ComponentFacts, vendor: str, names: Mapping[str, str]) -> Flag:
    name = names.get(vendor, vendor)
    return Flag(
        kind=FIREWALL_ASSIGNED_FLAG,
        vendor_key=vendor,
        vendor_name=name,
        disclosure_key="",
        message=f"{component.name} ({component.key}) is to be kept in-house (firewall) but is "
        f"assigned to {name}",
    )
