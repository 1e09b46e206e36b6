"""Write the slim base document that disclosure DOCX files start from.

python-docx's own default template carries 915 KB of style XML, and parsing and compressing it
is most of the cost of a small document (PERFORMANCE-NOTES.md). This base holds only the styles
the disclosure builder uses, a header and a footer, and empty document properties. The zip
entries get a fixed date so that running this script again gives the same bytes; a unit test
checks that the committed base.docx is what this script writes.

An organisation can make its own base.docx (letterhead, fonts, page size) in Word, keep these
style names, and drop it into `<template folder>/disclosure/base.docx`.

Run: python templates/disclosure/make_base.py [--out PATH]
"""

from __future__ import annotations

import argparse
import zipfile
from pathlib import Path

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
FIXED_DATE = (2026, 1, 1, 0, 0, 0)

_WORDML = "application/vnd.openxmlformats-officedocument.wordprocessingml"
_OVERRIDES = (
    ("/word/document.xml", f"{_WORDML}.document.main+xml"),
    ("/word/styles.xml", f"{_WORDML}.styles+xml"),
    ("/word/settings.xml", f"{_WORDML}.settings+xml"),
    ("/word/header1.xml", f"{_WORDML}.header+xml"),
    ("/word/footer1.xml", f"{_WORDML}.footer+xml"),
    ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
    (
        "/docProps/app.xml",
        "application/vnd.openxmlformats-officedocument.extended-properties+xml",
    ),
)
CONTENT_TYPES = (
    f"""{DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
"""
    + "".join(f'<Override PartName="{part}" ContentType="{kind}"/>\n' for part, kind in _OVERRIDES)
    + "</Types>"
)

PACKAGE_RELS = f"""{DECLARATION}<Relationships xmlns="{PKG_RELS}">
<Relationship Id="rId1" Type="{OFFICE_RELS}/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="{PKG_RELS}/metadata/core-properties" Target="docProps/core.xml"/>
<Relationship Id="rId3" Type="{OFFICE_RELS}/extended-properties" Target="docProps/app.xml"/>
</Relationships>"""

DOCUMENT_RELS = f"""{DECLARATION}<Relationships xmlns="{PKG_RELS}">
<Relationship Id="rId1" Type="{OFFICE_RELS}/styles" Target="styles.xml"/>
<Relationship Id="rId2" Type="{OFFICE_RELS}/settings" Target="settings.xml"/>
<Relationship Id="rId3" Type="{OFFICE_RELS}/header" Target="header1.xml"/>
<Relationship Id="rId4" Type="{OFFICE_RELS}/footer" Target="footer1.xml"/>
</Relationships>"""

CORE = f"""{DECLARATION}<cp:coreProperties \
xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title/><dc:subject/><dc:creator/><cp:keywords/><dc:description/><cp:lastModifiedBy/>
<cp:revision>1</cp:revision>
</cp:coreProperties>"""

APP = f"""{DECLARATION}<Properties \
xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">
<Application>firstfile</Application>
</Properties>"""

# A4 with 2 cm margins: disclosures travel between countries, and A4 prints on Letter paper.
DOCUMENT = f"""{DECLARATION}<w:document xmlns:w="{W}" xmlns:r="{R}">
<w:body>
<w:sectPr>
<w:headerReference w:type="default" r:id="rId3"/>
<w:footerReference w:type="default" r:id="rId4"/>
<w:pgSz w:w="11906" w:h="16838"/>
<w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134" w:header="567" \
w:footer="567" w:gutter="0"/>
<w:cols w:space="708"/>
</w:sectPr>
</w:body>
</w:document>"""

HEADER = f"""{DECLARATION}<w:hdr xmlns:w="{W}" xmlns:r="{R}">
<w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr></w:p>
</w:hdr>"""

FOOTER = f"""{DECLARATION}<w:ftr xmlns:w="{W}" xmlns:r="{R}">
<w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr></w:p>
</w:ftr>"""

SETTINGS = f"""{DECLARATION}<w:settings xmlns:w="{W}">
<w:defaultTabStop w:val="709"/>
<w:characterSpacingControl w:val="doNotCompress"/>
<w:compat>
<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" \
w:val="15"/>
</w:compat>
</w:settings>"""

_BORDER = 'w:val="single" w:sz="4" w:space="0" w:color="808080"'
_CELL_BORDERS = "".join(
    f"<w:{side} {_BORDER}/>" for side in ("top", "left", "bottom", "right", "insideH", "insideV")
)

STYLES = f"""{DECLARATION}<w:styles xmlns:w="{W}">
<w:docDefaults>
<w:rPrDefault><w:rPr>
<w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:eastAsia="Calibri" w:cs="Arial"/>
<w:sz w:val="22"/><w:szCs w:val="22"/>
<w:lang w:val="en-GB" w:eastAsia="en-US" w:bidi="ar-SA"/>
</w:rPr></w:rPrDefault>
<w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="264" w:lineRule="auto"/></w:pPr>
</w:pPrDefault>
</w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal">
<w:name w:val="Normal"/><w:qFormat/>
</w:style>
<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">
<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/>
</w:style>
<w:style w:type="table" w:default="1" w:styleId="TableNormal">
<w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>
<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>
<w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>
<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>
</w:tblCellMar></w:tblPr>
</w:style>
<w:style w:type="numbering" w:default="1" w:styleId="NoList">
<w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>
</w:style>
<w:style w:type="paragraph" w:styleId="Title">
<w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>
<w:pPr><w:spacing w:before="0" w:after="200"/></w:pPr>
<w:rPr><w:b/><w:bCs/><w:color w:val="1F3864"/><w:sz w:val="40"/><w:szCs w:val="40"/></w:rPr>
</w:style>
<w:style w:type="paragraph" w:styleId="Heading1">
<w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>
<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="360" w:after="80"/>
<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="1" w:color="1F3864"/></w:pBdr>
<w:outlineLvl w:val="0"/></w:pPr>
<w:rPr><w:b/><w:bCs/><w:color w:val="1F3864"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>
</w:style>
<w:style w:type="paragraph" w:styleId="Heading2">
<w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>
<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="240" w:after="60"/>
<w:outlineLvl w:val="1"/></w:pPr>
<w:rPr><w:b/><w:bCs/><w:color w:val="1F3864"/><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr>
</w:style>
<w:style w:type="paragraph" w:customStyle="1" w:styleId="Guidance">
<w:name w:val="Guidance"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>
<w:pPr><w:keepNext/><w:spacing w:after="80"/></w:pPr>
<w:rPr><w:i/><w:iCs/><w:color w:val="595959"/><w:sz w:val="19"/><w:szCs w:val="19"/></w:rPr>
</w:style>
<w:style w:type="paragraph" w:customStyle="1" w:styleId="Notice">
<w:name w:val="Notice"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>
<w:pPr><w:pBdr>
<w:top w:val="single" w:sz="12" w:space="4" w:color="9C0006"/>
<w:left w:val="single" w:sz="12" w:space="4" w:color="9C0006"/>
<w:bottom w:val="single" w:sz="12" w:space="4" w:color="9C0006"/>
<w:right w:val="single" w:sz="12" w:space="4" w:color="9C0006"/>
</w:pBdr><w:shd w:val="clear" w:color="auto" w:fill="FDE9EA"/>
<w:spacing w:before="120" w:after="240"/></w:pPr>
<w:rPr><w:b/><w:bCs/><w:color w:val="9C0006"/></w:rPr>
</w:style>
<w:style w:type="paragraph" w:styleId="Caption">
<w:name w:val="caption"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>
<w:pPr><w:spacing w:before="60" w:after="240"/><w:jc w:val="center"/></w:pPr>
<w:rPr><w:i/><w:iCs/><w:color w:val="1F3864"/><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr>
</w:style>
<w:style w:type="paragraph" w:styleId="ListParagraph">
<w:name w:val="List Paragraph"/><w:basedOn w:val="Normal"/><w:qFormat/>
<w:pPr><w:spacing w:after="40"/><w:ind w:left="567"/></w:pPr>
</w:style>
<w:style w:type="paragraph" w:styleId="Header">
<w:name w:val="header"/><w:basedOn w:val="Normal"/><w:unhideWhenUsed/>
<w:pPr><w:spacing w:after="0"/></w:pPr>
<w:rPr><w:color w:val="595959"/><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>
</w:style>
<w:style w:type="paragraph" w:styleId="Footer">
<w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:unhideWhenUsed/>
<w:pPr><w:spacing w:after="0"/><w:jc w:val="center"/></w:pPr>
<w:rPr><w:b/><w:bCs/><w:color w:val="9C0006"/><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>
</w:style>
<w:style w:type="table" w:styleId="TableGrid">
<w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/>
<w:pPr><w:spacing w:before="20" w:after="20" w:line="240" w:lineRule="auto"/></w:pPr>
<w:tblPr><w:tblBorders>{_CELL_BORDERS}</w:tblBorders>
<w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>
<w:bottom w:w="28" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr>
</w:style>
</w:styles>"""

PARTS: tuple[tuple[str, str], ...] = (
    ("[Content_Types].xml", CONTENT_TYPES),
    ("_rels/.rels", PACKAGE_RELS),
    ("docProps/core.xml", CORE),
    ("docProps/app.xml", APP),
    ("word/_rels/document.xml.rels", DOCUMENT_RELS),
    ("word/document.xml", DOCUMENT),
    ("word/styles.xml", STYLES),
    ("word/settings.xml", SETTINGS),
    ("word/header1.xml", HEADER),
    ("word/footer1.xml", FOOTER),
)


def write_base(out: Path) -> None:
    """Write the base document to out, byte for byte the same on every run."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, xml in PARTS:
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, xml.encode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("base.docx"))
    args = parser.parse_args()
    write_base(args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
