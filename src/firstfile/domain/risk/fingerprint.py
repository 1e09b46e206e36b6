"""A fingerprint of what a best split was computed from, so applying it can tell if that changed.

A split is shown, weighed and confirmed before it is applied; meanwhile a colleague may
re-score a component, pin an assignment or change the policy. Applying a suggestion computed
from data that is no longer there would write a split nobody asked for, so the suggestion
carries the fingerprint of its inputs and the policy, and applying it compares the fingerprint
of the data as it is then (services/risk_split.py).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import date

from firstfile.domain.risk.assessment import RiskInputs
from firstfile.domain.risk.policy import FirewallPolicy


def fingerprint(inputs: RiskInputs, policy: FirewallPolicy) -> str:
    """SHA-256 (hex) of the inputs and the policy, field by field, in a canonical JSON form:
    equal data always gives the same fingerprint, any change of a value another."""
    payload = json.dumps(
        {"inputs": asdict(inputs), "policy": asdict(policy)},
        sort_keys=True,
        ensure_ascii=False,
        default=_plain,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _plain(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot fingerprint {type(value).__name__}")
