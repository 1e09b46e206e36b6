"""Where shipped templates and sample data live, installed or in a checkout.

A wheel carries them inside the package (firstfile/_templates, firstfile/_sample_sessions);
an editable install or a checkout reads them from the top of the repository.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _shipped(installed: str, checkout: str) -> Path:
    inside = _PACKAGE / installed
    if inside.is_dir():
        return inside
    return _PACKAGE.parent.parent / checkout


def shipped_templates() -> Path:
    """The templates folder that ships with firstfile."""
    return _shipped("_templates", "templates")


def sample_sessions() -> Path:
    """The sample engagements loaded by `firstfile demo`."""
    return _shipped("_sample_sessions", "sample_sessions")
