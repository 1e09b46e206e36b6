"""The service modules the screens use, loaded in the opening thread once home shows its
data: defining the table classes and configuring their mappers takes about a second, which
home no longer waits for (services/home.py reads with plain SQL), and the first screen the
user opens should not wait for it either."""

from __future__ import annotations


def load_services() -> None:
    """Import the services the screens call and configure the ORM's mappers (which the
    first ORM query would otherwise do, some 90 ms)."""
    from sqlalchemy.orm import configure_mappers

    import firstfile.services.directory
    import firstfile.services.disclosures
    import firstfile.services.drafts
    import firstfile.services.sessions  # noqa: F401

    configure_mappers()
