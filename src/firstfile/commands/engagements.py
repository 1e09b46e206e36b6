"""Commands for the engagements workflow."""

from __future__ import annotations

import typer


def register(app: typer.Typer, export_app: typer.Typer) -> None:
    """Add this workflow's commands to the root command and to `firstfile export`."""
