"""Ed25519 signatures of evidence records (Art. 10): the key that makes the hash chain unforgeable.

The hash chain alone proves only that the records agree with each other: anyone who can write the store can
change a record and recompute every later hash. Each record is therefore also signed by a private key kept
outside the workspace (``evidence.signing`` in govreport.yaml names a file or an environment variable), and
``govreport evidence verify`` checks every signature with the public key written in govreport.yaml.

What is signed is :func:`message` of a record: a fixed prefix, the record's ``seq`` and its ``record_hash``
(which covers every field and ``prev_hash``, so one signature vouches for the record and, through the
chain, for everything before it).

A key's *fingerprint* is the SHA-256 (hex) of its 32 raw public-key bytes; it is what anchors, the review's
cover and the site print. Uses the ``cryptography`` package only (imported here, so the CLI starts without it
until a signature is made or checked).
"""

from __future__ import annotations

import functools
import hashlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..errors import ConfigError, EvidenceError

__all__ = [
    "Signer",
    "SigningConfig",
    "fingerprint",
    "message",
    "check_signature",
    "generate_key",
    "load_private_key",
    "parse_public_key",
]

_PREFIX = b"govreport-evidence-v1\n"


def message(seq: int, record_hash: str) -> bytes:
    """The bytes a record's signature covers."""
    return _PREFIX + f"{seq}\n{record_hash}".encode("ascii")


def fingerprint(public_hex: str) -> str:
    """SHA-256 (hex) of the raw public key."""
    return hashlib.sha256(bytes.fromhex(public_hex)).hexdigest()


@functools.lru_cache(maxsize=16)
def _public_key(public_hex: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex))


def check_signature(public_hex: str, signature_hex: str, seq: int, record_hash: str) -> bool:
    """True when ``signature_hex`` is the signature of record (seq, record_hash) by ``public_hex``."""
    try:
        _public_key(public_hex).verify(bytes.fromhex(signature_hex), message(seq, record_hash))
    except (InvalidSignature, ValueError):
        return False
    return True


def parse_public_key(
    text: str, *, where: str = "govreport.yaml", field: str = "evidence.signing.public_key"
) -> str:
    """``ed25519:<64 hex>`` (or the bare 64 hex digits) as 64 lower-case hex digits."""
    value = text.strip().lower().removeprefix("ed25519:")
    try:
        if len(bytes.fromhex(value)) == 32:
            return value
    except ValueError:
        pass
    raise ConfigError(
        f"'{text}' is not an Ed25519 public key",
        file=where,
        field=field,
        fix="write the `public_key:` line that `govreport evidence keygen` printed (ed25519:<64 hex>)",
    )


@dataclass(frozen=True)
class Signer:
    """A loaded private key."""

    key: Ed25519PrivateKey

    @property
    def public_hex(self) -> str:
        return (
            self.key.public_key()
            .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            .hex()
        )

    def sign(self, seq: int, record_hash: str) -> str:
        return self.key.sign(message(seq, record_hash)).hex()


def load_private_key(data: bytes, *, source: str, field: str) -> Signer:
    """A PEM (PKCS#8, unencrypted) Ed25519 private key."""
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as e:
        raise ConfigError(
            f"cannot read the evidence signing key: {str(e).splitlines()[0] if str(e) else e}",
            file=source,
            field=field,
            fix="point it at the PEM file `govreport evidence keygen` wrote",
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError(
            "the evidence signing key is not an Ed25519 key",
            file=source,
            field=field,
            fix="make one with `govreport evidence keygen --out FILE`",
        )
    return Signer(key)


def generate_key(path: Path) -> Signer:
    """Write a new private key to ``path`` (PEM, mode 0600, refusing to overwrite) and return it."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise EvidenceError(
            f"{path} exists; a signing key is never overwritten",
            file=path,
            fix="choose another --out, or remove the old key only after its records are anchored",
        ) from None
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    return Signer(key)


@dataclass(frozen=True)
class SigningConfig:
    """What govreport.yaml says about signing (``evidence.signing``), resolved against the workspace.

    ``public_hex`` is the key every signature must verify with; ``load`` returns the private key (``None``
    when this copy of the workspace names no private key: it can verify, not write).
    """

    public_hex: str
    load: Callable[[], Signer] | None
    source: str = "govreport.yaml"

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_hex)

    def signer(self) -> Signer:
        """The private key, checked against the public key; a one-line error when it cannot be had."""
        if self.load is None:
            raise ConfigError(
                "govreport.yaml names no private key (evidence.signing.key_file or key_env), "
                "so this copy of the workspace can verify evidence but not write it",
                file=self.source,
                field="evidence.signing",
                fix="name the key file or environment variable on the machine that runs reports",
            )
        s = self.load()
        if s.public_hex != self.public_hex:
            raise ConfigError(
                f"the private key does not belong to public key ed25519:{self.public_hex[:16]}…",
                file=self.source,
                field="evidence.signing.public_key",
                fix="name the matching key, or the public key `govreport evidence keygen` printed for it",
            )
        return s


def key_from_file(path: Path, *, workspace: Path, source: str) -> Callable[[], Signer]:
    """A loader for the key in ``path``: refused inside the workspace or readable by others."""
    field = "evidence.signing.key_file"
    resolved = path.resolve()
    if resolved.is_relative_to(workspace.resolve()):
        raise ConfigError(
            f"the signing key {path} is inside the workspace; anyone who can write the workspace "
            "could then forge evidence",
            file=source,
            field=field,
            fix="move it outside the workspace (e.g. /etc/govreport/evidence.key, mode 600)",
        )

    def load() -> Signer:
        try:
            mode = resolved.stat().st_mode
            data = resolved.read_bytes()
        except OSError as e:
            raise ConfigError(
                f"cannot read the signing key {path}: {e.strerror}",
                file=source,
                field=field,
                fix="check the path and that this user may read it",
            ) from None
        if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise ConfigError(
                f"the signing key {path} may be read by other users (mode {stat.S_IMODE(mode):o})",
                file=source,
                field=field,
                fix=f"chmod 600 {path}",
            )
        return load_private_key(data, source=str(path), field=field)

    return load


def key_from_env(name: str, *, workspace: Path, source: str) -> Callable[[], Signer]:
    """A loader for the key in environment variable ``name``: the PEM itself, or the path of a key file."""
    field = "evidence.signing.key_env"

    def load() -> Signer:
        value = os.environ.get(name, "")
        if not value.strip():
            raise ConfigError(
                f"environment variable {name} is not set",
                file=source,
                field=field,
                fix=f"export {name}=/path/outside/the/workspace/evidence.key (or the PEM itself)",
            )
        if value.lstrip().startswith("-----BEGIN"):
            return load_private_key(value.encode(), source=f"${name}", field=field)
        return key_from_file(Path(value), workspace=workspace, source=source)()

    return load
