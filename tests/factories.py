"""Small builders of real records for tests, written through the same storage code as the app."""

from __future__ import annotations

from firstfile.storage import upserts
from firstfile.storage.engine import Store
from firstfile.storage.tables import Component, Engagement, EngagementVendor, Person, Vendor


def seed_basics(store: Store) -> None:
    """One engagement (ACME-2026) with a Shenzhen assembler, two own engineers, one vendor
    engineer, and one component."""
    with store.write() as db:
        engagement, _ = upserts.upsert(
            db=db, model=Engagement, match={"key": "ACME-2026"},
            values={"name": "Battery module", "product": "BMS-48", "phase": "pre"},
            create_only={"created_at": upserts.now()}, actor="seed", entity="engagement",
            entity_key="ACME-2026",
        )
        vendor, _ = upserts.upsert(
            db=db, model=Vendor, match={"key": "sz-pcba"},
            values={"name": "Shenzhen PCBA Co.", "kind": "contract-manufacturer",
                    "country": "CN"},
            actor="seed", entity="vendor", entity_key="sz-pcba",
        )
        upserts.link(db=db, model=EngagementVendor,
                     keys={"engagement_id": engagement.id, "vendor_id": vendor.id},
                     actor="seed", entity="engagement", entity_key="ACME-2026",
                     field="vendors", linked="sz-pcba")
        for key, name, vendor_id in (
            ("jdoe", "Jane Doe", None),
            ("rsmith", "Raj Smith", None),
            ("wli", "Wei Li", vendor.id),
        ):
            upserts.upsert(
                db=db, model=Person, match={"key": key},
                values={"name": name, "email": f"{key}@example.com", "vendor_id": vendor_id},
                actor="seed", entity="person", entity_key=key,
            )
        upserts.upsert(
            db=db, model=Component, match={"engagement_id": engagement.id, "key": "bms-fw"},
            values={"name": "BMS firmware", "kind": "firmware"},
            actor="seed", entity="component", entity_key="bms-fw",
        )
