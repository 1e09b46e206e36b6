"""The `firstfile/1` interchange format (docs/FORMAT.md): one engagement per YAML or JSON file.

read_document / parse_document check a file and return an InterchangeDocument, or raise
InterchangeError listing every problem; dump_document writes a document back out.
"""

from firstfile.interchange.document import (
    FORMAT_NAME,
    ComponentDoc,
    DisclosureDoc,
    EngagementDoc,
    IdeaDoc,
    InterchangeDocument,
    PersonDoc,
    SessionDoc,
    VendorDoc,
)
from firstfile.interchange.problems import InterchangeError
from firstfile.interchange.reader import parse_document, read_document
from firstfile.interchange.writer import document_data, dump_document

__all__ = [
    "FORMAT_NAME",
    "ComponentDoc",
    "DisclosureDoc",
    "EngagementDoc",
    "IdeaDoc",
    "InterchangeDocument",
    "InterchangeError",
    "PersonDoc",
    "SessionDoc",
    "VendorDoc",
    "document_data",
    "dump_document",
    "parse_document",
    "read_document",
]
