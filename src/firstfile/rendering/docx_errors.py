"""What python-docx (and docxtpl over it) raise when a file is not a Word package it can open.

It has no single error for this: a file that is not a zip archive fails in zipfile, a zip
without the expected parts fails with KeyError, a damaged part fails in lxml's parser (a
SyntaxError), the wrong content type with ValueError, and a missing path with
PackageNotFoundError or OSError. Naming them here lets the export code refuse a broken base
document or form in words without catching every other kind of error with them.
"""

from __future__ import annotations

from zipfile import BadZipFile

from docx.opc.exceptions import PackageNotFoundError

BROKEN_PACKAGE: tuple[type[Exception], ...] = (
    BadZipFile,
    KeyError,
    SyntaxError,
    ValueError,
    PackageNotFoundError,
    OSError,
)
