"""Signatures with meaning: an inventor signs "I am an inventor of what is described", a
witness "I have read and understood what is described", each with Ed25519 over a statement
that holds the disclosure's content hash, the meaning in words, the signer's name, person,
login and the time (domain/evidence.signature_statement).

The private key is the signer's own: one per user, in the user's config folder
(`signing-key.pem`, mode 0600 in a 0700 folder), made on first use, never in the database.
The public key is registered in the database on first use, bound to the login (or database
role) and to the person record it signs as; the registration is audited like the signature.

Rules: an inventor signature needs the signer to be named as an inventor of the disclosure;
a witness may be nobody named on it (inventor or contributor) and nobody who signed it as an
inventor. A signature covers the content it was made over; any later change to that content
leaves the signature standing but shows it as no longer covering the current text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from firstfile.domain.evidence import (
    MEANINGS,
    content_hashes,
    content_sha256,
    sha256_hex,
    signature_statement,
)
from firstfile.domain.text import clean_line
from firstfile.services.errors import NotFound, UserError
from firstfile.storage import audit
from firstfile.storage.disclosure_queries import build_view, find_disclosure
from firstfile.storage.engine import Store
from firstfile.storage.evidence_queries import last_record_hashes
from firstfile.storage.identity import actor_and_time
from firstfile.storage.tables import (
    Disclosure,
    DisclosureInventor,
    DisclosureSignature,
    Person,
    SignerKey,
)

KEY_FILE = "signing-key.pem"


def default_key_path() -> Path:
    """Where this user's private signing key lives: <user config folder>/firstfile/."""
    from platformdirs import user_config_path

    return user_config_path("firstfile", appauthor=False) / KEY_FILE


def load_key(path: Path | None = None, *, create: bool = True) -> Any:
    """This user's Ed25519 private key, made (0600, folder 0700) when there is none yet.

    Raises UserError when the file is not a key or others may read it."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = path or default_key_path()
    if not path.exists():
        if not create:
            raise UserError(f"there is no signing key at {path} yet; `firstfile sign` makes one")
        key = Ed25519PrivateKey.generate()
        data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # O_EXCL: two first signatures at once never overwrite each other's new key.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        return key
    if hasattr(os, "getuid") and path.stat().st_mode & 0o077:
        raise UserError(f"others can read your signing key {path}; anyone who copied it can "
                        f"sign as you. Make it private (chmod 600 {path}); if others may "
                        "have read it, move it away and sign again to make a new one")
    try:
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as error:
        raise UserError(f"{path} is not an unencrypted PEM private key ({error})") from None
    if not isinstance(loaded, Ed25519PrivateKey):
        raise UserError(f"{path} is not an Ed25519 key")
    return loaded


def public_hex(key: Any) -> str:
    """The raw 32-byte public key of a private key, as hex."""
    from cryptography.hazmat.primitives import serialization

    return key.public_key().public_bytes(serialization.Encoding.Raw,
                                         serialization.PublicFormat.Raw).hex()


def fingerprint(public_key_hex: str) -> str:
    """A public key's fingerprint: SHA-256 of its 32 raw bytes, hex."""
    return sha256_hex(bytes.fromhex(public_key_hex))


def verify_signature(public_key_hex: str, statement: bytes, signature_hex: str) -> bool:
    """True when signature_hex is public_key_hex's Ed25519 signature of statement."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex)).verify(
            bytes.fromhex(signature_hex), statement)
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True, slots=True)
class Signed:
    """A signature just made."""

    key: str
    meaning: str
    signer_name: str
    person_key: str
    content_sha256: str
    fingerprint: str
    key_registered: bool  # this signature registered the key


def sign(
    store: Store, key: str, *, meaning: str, actor: str, person_key: str | None = None,
    key_file: Path | None = None,
) -> Signed:
    """Sign the disclosure's current content with this user's key, with meaning
    ("inventor" or "witness"). The first signature with a key needs person_key (the person
    the key signs as); later ones may leave it out. Raises UserError (nothing written) when
    a rule refuses it."""
    if meaning not in MEANINGS:
        raise UserError(f"sign as inventor or witness, not {meaning!r}")
    private = load_key(key_file)
    public = public_hex(private)
    with store.write() as db:
        disclosure = find_disclosure(db=db, key=key)
        if disclosure is None:
            raise NotFound(f"no disclosure {key!r}; `firstfile disclosures list` shows the keys")
        if disclosure.deleted_at is not None:
            raise UserError(f"{key} is deleted; a deleted disclosure is not signed")
        who, now = actor_and_time(db)
        signer, registered = _signer_key(db, public, who, person_key, actor)
        person = db.execute(select(Person).where(col(Person.key) == signer.person_key)
                            ).scalar_one_or_none()
        if person is None:
            raise UserError(f"no person {signer.person_key!r}; the key signs as that person")
        # Content changed behind firstfile's back is said first: whoever signs must not
        # sign it, whatever else would refuse them.
        view = build_view(db=db, disclosure=disclosure)
        digest = content_sha256(view)
        audited = last_record_hashes(db, [key]).get(key)
        if audited is not None and audited not in content_hashes(view):
            raise UserError(f"{key}'s content is not what its audit trail last recorded: it "
                            "was changed outside firstfile. Run `firstfile verify`; nothing "
                            "was signed")
        _check_rules(db, disclosure, person, meaning, who)
        _check_not_signed(db, disclosure, person.key, meaning, digest)
        name = clean_line(person.name)[:200]
        statement = signature_statement(
            key=key, content_sha256=digest, meaning=meaning, person_key=person.key,
            signer_name=name, actor=who, signed_at=now, public_key=public)
        signature = private.sign(statement).hex()
        assert disclosure.id is not None and signer.id is not None
        db.add(DisclosureSignature(
            disclosure_id=disclosure.id, key_id=signer.id, meaning=meaning,
            person_key=person.key, signer_name=name, actor=who, signed_at=now,
            content_sha256=digest, statement=statement.decode("utf-8"), signature=signature))
        audit.record(db=db, actor=actor, entity="disclosure", entity_key=key, action="sign",
                     changes={"signature": (None, {
                         "meaning": meaning, "person": person.key, "signer": name,
                         "content_sha256": digest, "public_key": public,
                         "signature": signature})},
                     record_sha256=digest)
    return Signed(key, meaning, name, person.key, digest, fingerprint(public), registered)


def _signer_key(db: Session, public: str, who: str, person_key: str | None, actor: str
                ) -> tuple[SignerKey, bool]:
    found = db.execute(select(SignerKey).where(col(SignerKey.public_key) == public)
                       ).scalar_one_or_none()
    if found is not None:
        if found.actor != who:
            raise UserError(f"this signing key is registered to {found.actor!r}, and you "
                            f"are {who!r}; each person signs with their own key")
        if person_key and person_key != found.person_key:
            raise UserError(f"your key signs as {found.person_key!r}, not {person_key!r}")
        return found, False
    if not person_key:
        raise UserError("this is your key's first signature here: say which person you are "
                        "with --person KEY (as on the disclosure's inventors)")
    if db.execute(select(col(Person.id)).where(col(Person.key) == person_key)).first() is None:
        raise UserError(f"no person {person_key!r}; give the key of a person on record "
                        "(as the disclosure's inventors name them)")
    other = db.execute(select(SignerKey).where(col(SignerKey.person_key) == person_key,
                                               col(SignerKey.actor) != who)).first()
    if other is not None:
        raise UserError(f"{person_key!r} already signs with a key of {other[0].actor!r}; "
                        "a person is one login")
    _who, now = actor_and_time(db)
    row = SignerKey(actor=who, person_key=person_key, public_key=public, registered_at=now)
    db.add(row)
    db.flush()
    audit.record(db=db, actor=actor, entity="signer-key", entity_key=person_key,
                 action="register", changes={"public_key": (None, public),
                                             "login": (None, who)})
    return row, True


def _check_rules(db: Session, disclosure: Disclosure, person: Person, meaning: str, who: str
                 ) -> None:
    named = {p: role for p, role in db.execute(
        select(col(DisclosureInventor.person_id), col(DisclosureInventor.role))
        .where(col(DisclosureInventor.disclosure_id) == disclosure.id))}
    role = named.get(person.id or 0)
    if meaning == "inventor" and role != "inventor":
        raise UserError(f"{person.key!r} is not named as an inventor of {disclosure.key}; "
                        "only its inventors sign as inventor")
    if meaning == "witness" and role is not None:
        raise UserError(f"{person.key!r} is named on {disclosure.key} as {role}; a witness is "
                        "someone who is not one of its inventors or contributors")
    # One login is one person: whoever signed as inventor may not also witness, and the
    # other way round, whatever key or person they use.
    other = "witness" if meaning == "inventor" else "inventor"
    signed_otherwise = db.execute(select(col(DisclosureSignature.id)).where(
        col(DisclosureSignature.disclosure_id) == disclosure.id,
        col(DisclosureSignature.meaning) == other,
        col(DisclosureSignature.actor) == who)).first()
    if signed_otherwise is not None:
        raise UserError(f"{who!r} signed {disclosure.key} as {other}; a witness is never one "
                        "of the inventors, so the same login cannot sign it as both")


def _check_not_signed(db: Session, disclosure: Disclosure, person_key: str, meaning: str,
                      digest: str) -> None:
    again = db.execute(select(col(DisclosureSignature.signed_at)).where(
        col(DisclosureSignature.disclosure_id) == disclosure.id,
        col(DisclosureSignature.person_key) == person_key,
        col(DisclosureSignature.meaning) == meaning,
        col(DisclosureSignature.content_sha256) == digest)).first()
    if again is not None:
        raise UserError(f"{person_key!r} already signed this version of {disclosure.key} as "
                        f"{meaning}")
