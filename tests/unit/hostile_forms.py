"""Building hostile organisation forms as real .docx files: tags in the body, a package whose
XML unpacks to tens of megabytes, a zip bomb, a package of thousands of parts."""

from __future__ import annotations

import struct
import zipfile
import zlib
from io import BytesIO
from pathlib import Path

import docx

from firstfile.resources import shipped_templates

BASE = shipped_templates() / "disclosure" / "base.docx"
MIB = 1024 * 1024


def form_with(*paragraphs: str) -> bytes:
    """A small form: the key, then each paragraph (tags and all) in the body."""
    document = docx.Document(str(BASE))
    document.add_paragraph("Form for {{ disclosure.key }}")
    for text in paragraphs:
        document.add_paragraph(text)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def form_with_bloated_xml(extra_bytes: int) -> bytes:
    """A form whose word/document.xml carries extra_bytes of empty paragraphs: it compresses
    to almost nothing, so the file stays small while its XML is huge."""
    with zipfile.ZipFile(BytesIO(form_with())) as source:
        parts = [(info.filename, source.read(info)) for info in source.infolist()]
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        for name, data in parts:
            if name == "word/document.xml":
                padding = b"<w:p/>" * (extra_bytes // 6)
                data = data.replace(b"<w:body>", b"<w:body>" + padding, 1)
            package.writestr(name, data)
    return out.getvalue()


def form_with_many_parts(count: int) -> bytes:
    """A form with count extra (tiny) parts."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(form_with())) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            package.writestr(info.filename, source.read(info))
        for n in range(count):
            package.writestr(f"customXml/item{n}.xml", b"<a/>")
    return out.getvalue()


def zip_bomb_form(unpacked_mib: int) -> bytes:
    """A real form plus one part of unpacked_mib MiB of zeros, deflated to about a
    thousandth of that: a true zip bomb (the sizes it declares are the sizes it inflates to).

    Deflating gigabytes takes a minute, so the part is assembled from one deflated mebibyte
    repeated: after a full flush the compressor starts afresh, so every further mebibyte of
    zeros deflates to the same bytes.
    """
    with zipfile.ZipFile(BytesIO(form_with())) as source:
        entries = []
        for info in source.infolist():
            data = source.read(info)
            entries.append((info.filename, _deflate(data), zlib.crc32(data), len(data)))
    zeros = bytes(MIB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH) == block
    body = first + block * (unpacked_mib - 1) + compressor.flush()
    crc = 0
    for _ in range(unpacked_mib):
        crc = zlib.crc32(zeros, crc)
    entries.append(("word/media/image1.png", body, crc, unpacked_mib * MIB))
    return _zip(entries)


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of already deflated entries (name, deflated bytes, crc32, unpacked size)."""
    out = BytesIO()
    central = BytesIO()
    for name, body, crc, size in entries:
        offset = out.tell()
        encoded = name.encode()
        # version 20, no flags, deflate, 1980-01-01 00:00
        fields = (20, 0, 8, 0, 0x21, crc, len(body), size, len(encoded))
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + encoded + body)
        central.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0,
                                  0, offset) + encoded)
    directory = central.getvalue()
    start = out.tell()
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries),
                          len(directory), start, 0))
    return out.getvalue()


def write(folder: Path, data: bytes, name: str = "form.docx") -> Path:
    """data saved as a real file in folder."""
    path = folder / name
    path.write_bytes(data)
    return path
