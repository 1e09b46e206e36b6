"""The counsel bundle verifies offline as its VERIFY.md says: every command block in it is run
with `sh` and `openssl` in the unpacked evidence folder, without firstfile or its database;
a changed envelope, a broken link and a swapped token are each caught by those commands."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest

from firstfile.domain.disclosure import DisclosureDraft, InventorEntry
from firstfile.services import disclosures, timestamps
from firstfile.services.bundle import build_bundle
from firstfile.services.signatures import sign
from firstfile.services.verification import verify
from firstfile.storage.engine import Store
from firstfile.storage.evidence_queries import chain_head
from tests.factories import seed_basics
from tests.local_tsa import LocalTsa, Served


def _bundle(store: Store, tmp_path: Path, tsa: Served, ca: Path) -> tuple[Path, str]:
    """A signed, timestamped disclosure bundled with the chain anchored; (evidence folder,
    its key)."""
    seed_basics(store)
    draft = DisclosureDraft(
        title="Cell balancing by temperature",
        summary="Balance by temperature.",
        engagement_key="ACME-2026",
        conception_date=date(2026, 1, 12),
        inventors=(InventorEntry("jdoe", "inventor", 100),),
    )
    key = disclosures.create_disclosure(store, draft, actor="jdoe").key
    sign(
        store,
        key,
        meaning="inventor",
        actor="jdoe",
        person_key="jdoe",
        key_file=tmp_path / "jdoe.pem",
    )
    assert timestamps.stamp_disclosure(
        store, key, actor="jdoe", tsa_url=tsa.url, tsa_ca=ca, reason="submission"
    ).stamped
    out = tmp_path / "bundle.zip"
    result = build_bundle(
        store, out, as_of=date(2026, 3, 1), actor="counsel", tsa_url=tsa.url, tsa_ca=ca
    )
    assert result.anchor_status == "stamped", result.anchor
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(out) as bundle:
        bundle.extractall(unpacked)
    return unpacked / "evidence", key


def _blocks(verify_md: str) -> list[str]:
    """The command blocks of a Markdown text (paragraphs indented by four spaces)."""
    found = []
    for paragraph in verify_md.split("\n\n"):
        lines = paragraph.strip("\n").split("\n")
        if lines and all(line.startswith("    ") for line in lines):
            found.append("\n".join(line[4:] for line in lines))
    return found


def _run_verify_md(folder: Path) -> str:
    """Every command block of VERIFY.md, run in folder with sh; their output together."""
    said = []
    for block in _blocks((folder / "VERIFY.md").read_text(encoding="utf-8")):
        done = subprocess.run(
            ["sh", "-c", block], cwd=folder, capture_output=True, text=True, timeout=120
        )
        said.append(done.stdout + done.stderr)
    return "\n".join(said)


def test_the_bundle_verifies_offline_as_verify_md_says(
    store: Store, local_tsa: Served, tsa_files: LocalTsa, tmp_path: Path
) -> None:
    folder, key = _bundle(store, tmp_path, local_tsa, tsa_files.ca_pem)
    with store.read() as db:
        head = chain_head(db)
    assert head is not None
    audit = json.loads((folder / "audit.json").read_text(encoding="utf-8"))
    assert audit["chain_head"] == {"seq": head[0], "chain_sha256": head[1]}
    assert [row["seq"] for row in audit["rows"]] == list(range(1, head[0] + 1))
    assert audit["rows"][-1]["action"] == "anchor"  # the bundle's own anchor is in it
    assert len(_blocks((folder / "VERIFY.md").read_text(encoding="utf-8"))) == 6

    said = _run_verify_md(folder)
    assert "contents match" in said
    assert f"last chain hash: {head[1]}" in said
    assert "does not follow" not in said
    # Two anchors (the submission's and the bundle's) and the content's timestamp.
    assert said.count("Verification: OK") == 3, said
    assert "Verification: FAILED" not in said
    assert said.count("Signature Verified Successfully") == 1, said
    content_hash = json.loads((folder / "signatures" / f"{key}-1.json").read_text())[
        "content_sha256"
    ]
    assert f"covers the content now: {content_hash}" in said
    assert (folder / "signatures" / f"{key}-1.content").read_bytes() == (
        folder / f"content/{key}.json").read_bytes()
    assert (folder / f"timestamps/{key}-1.json").read_bytes() == (
        folder / f"content/{key}.json"
    ).read_bytes()
    assert verify(store, tsa_ca=tsa_files.ca_pem).ok


def test_the_offline_commands_catch_tampering(
    store: Store, local_tsa: Served, tsa_files: LocalTsa, tmp_path: Path
) -> None:
    folder, key = _bundle(store, tmp_path, local_tsa, tsa_files.ca_pem)

    changed = tmp_path / "changed-envelope"
    shutil.copytree(folder, changed)
    envelopes = (changed / "envelopes.txt").read_text(encoding="utf-8").split("\n")
    envelopes[2] = envelopes[2].replace('"action":"', '"action":"x', 1)
    (changed / "envelopes.txt").write_text("\n".join(envelopes), encoding="utf-8")
    assert "contents match" not in _run_verify_md(changed)

    relinked = tmp_path / "broken-link"
    shutil.copytree(folder, relinked)
    chain = (relinked / "chain.txt").read_text(encoding="ascii").split("\n")
    seq, content, link = chain[3].split(" ")
    chain[3] = f"{seq} {content} {'0' * 64}"
    (relinked / "chain.txt").write_text("\n".join(chain), encoding="ascii")
    assert f"row {seq} does not follow the row before it" in _run_verify_md(relinked)

    swapped = tmp_path / "swapped-token"
    shutil.copytree(folder, swapped)
    anchor = sorted((swapped / "anchors").glob("*.tsr"))[0]
    shutil.copyfile(anchor, swapped / "timestamps" / f"{key}-1.tsr")
    said = _run_verify_md(swapped)
    assert "Verification: FAILED" in said

    resigned = tmp_path / "changed-statement"
    shutil.copytree(folder, resigned)
    statement = resigned / "signatures" / f"{key}-1.json"
    statement.write_text(statement.read_text().replace("Jane Doe", "Raj Smith"))
    assert "Signature Verification Failure" in _run_verify_md(resigned)


def test_an_old_format_and_a_new_format_signature_both_check_from_the_bundle(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A signature made before the content format changed covers the older format; the
    bundle carries the content in that format beside it, so openssl alone checks both."""
    from firstfile.domain import evidence
    from firstfile.services import signatures

    def first_format(view: object) -> str:
        return evidence.sha256_hex(
            evidence.disclosure_content(view, evidence.DISCLOSURE_FORMAT_V1)  # type: ignore[arg-type]
        )

    seed_basics(store)
    draft = DisclosureDraft(title="Cell balancing by temperature",
                            summary="Balance by temperature.", engagement_key="ACME-2026",
                            conception_date=date(2026, 1, 12),
                            inventors=(InventorEntry("jdoe", "inventor", 100),))
    key = disclosures.create_disclosure(store, draft, actor="jdoe").key
    with monkeypatch.context() as old_release:
        old_release.setattr(evidence, "content_sha256", first_format)
        old_release.setattr(signatures, "content_sha256", first_format)
        old_release.setattr(evidence, "DISCLOSURE_FORMAT", evidence.DISCLOSURE_FORMAT_V1)
        old_release.setattr(evidence, "SIGNATURE_FORMAT", "firstfile-signature/1")
        sign(store, key, meaning="inventor", actor="jdoe", person_key="jdoe",
             key_file=tmp_path / "jdoe.pem")
    sign(store, key, meaning="inventor", actor="jdoe", person_key="jdoe",
         key_file=tmp_path / "jdoe.pem")
    out = tmp_path / "bundle.zip"
    build_bundle(store, out, as_of=date(2026, 3, 1), actor="counsel")
    with zipfile.ZipFile(out) as bundle:
        bundle.extractall(tmp_path / "unpacked")
    folder = tmp_path / "unpacked" / "evidence"

    old = json.loads((folder / "signatures" / f"{key}-1.json").read_text())
    new = json.loads((folder / "signatures" / f"{key}-2.json").read_text())
    assert old["format"] == "firstfile-signature/1"
    assert old.get("content_format", evidence.DISCLOSURE_FORMAT_V1) == \
        evidence.DISCLOSURE_FORMAT_V1
    assert new["content_format"] == evidence.DISCLOSURE_FORMAT
    old_content = (folder / "signatures" / f"{key}-1.content").read_bytes()
    assert json.loads(old_content)["format"] == evidence.DISCLOSURE_FORMAT_V1
    assert (folder / "signatures" / f"{key}-2.content").read_bytes() == (
        folder / "content" / f"{key}.json").read_bytes()
    assert old["content_sha256"] != new["content_sha256"]

    said = _run_verify_md(folder)
    assert said.count("Signature Verified Successfully") == 2, said
    assert f"covers the content now: {old['content_sha256']}" in said
    assert f"covers the content now: {new['content_sha256']}" in said
    assert "made over an earlier version" not in said

    # A changed old-format content file is caught by the same commands.
    (folder / "signatures" / f"{key}-1.content").write_bytes(old_content.replace(
        b"Balance by temperature.", b"Balance by voltage."))
    assert f"made over an earlier version: {old['content_sha256']}" in _run_verify_md(folder)


def test_the_format_a_signature_covers_is_read_from_its_statement() -> None:
    from firstfile.domain.evidence import DISCLOSURE_FORMAT, DISCLOSURE_FORMAT_V1
    from firstfile.services.evidence import signed_format

    assert signed_format('{"format":"firstfile-signature/1"}') == DISCLOSURE_FORMAT_V1
    assert signed_format(json.dumps({"content_format": DISCLOSURE_FORMAT})) == DISCLOSURE_FORMAT
    assert signed_format('{"content_format":"firstfile-disclosure/9"}') == DISCLOSURE_FORMAT_V1
    assert signed_format("not a statement") == DISCLOSURE_FORMAT_V1
