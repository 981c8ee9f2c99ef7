"""Secret keys kept as files in the data dir (mode 600), made on first use."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

KEY_BYTES = 32


def load_or_create_key(path: Path) -> bytes:
    """The key in `path`, created (32 random bytes, mode 600) if missing; safe if processes race."""
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-")  # created with mode 600
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(secrets.token_bytes(KEY_BYTES))
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o600)
            with contextlib.suppress(FileExistsError):  # another process won the race: use its key
                os.link(tmp, path)  # atomic, and never replaces an existing key
        finally:
            os.unlink(tmp)
        key = path.read_bytes()
    if len(key) < KEY_BYTES:
        raise RuntimeError(
            f"{path} holds {len(key)} bytes; expected {KEY_BYTES} (delete it to make a new key)"
        )
    return key
