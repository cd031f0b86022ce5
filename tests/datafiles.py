"""Real source files for the tests, read from the data directory (``settings.TRACKER_DATA_DIR``).

OFAC's files and the other publishers' pages are third-party files: they are not part of this
repository. They live in the data directory (``../shared/data`` beside the checkout by default, or
``TRACKER_DATA_DIR``), each folder with its provenance. Tests that need them are marked
``requires_data`` and skip, with one reason, where the directory is absent; CI always has it.

Some tests read a few dozen rows of a real list rather than the whole of it. Those *selections* are
not stored either: ``tests/data/selections/`` holds only the entry numbers, and ``selection()`` cuts the
rows out of the real files, byte for byte (CRLF line ends and the final ``0x1A`` line kept), into a
folder under the system's temporary directory.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
SELECTIONS = Path(__file__).resolve().parent / "data" / "selections"
DATA_DIR: Path | None = settings.TRACKER_DATA_DIR
EOF_LINE = b"\x1a"

NO_DATA = "the real source files are not here: set TRACKER_DATA_DIR to the data directory (../shared/data)"
HAVE_DATA = DATA_DIR is not None and DATA_DIR.is_dir()
requires_data = pytest.mark.skipif(not HAVE_DATA, reason=NO_DATA)


def skip_without_data() -> None:
    """For fixtures that import real files: skip the test asking for them, with the reason above."""
    if not HAVE_DATA:
        pytest.skip(NO_DATA)


def data_path(*parts: str) -> Path:
    """A path inside the data directory (which may not exist: mark the test ``requires_data``)."""
    return (DATA_DIR or ROOT.parent / "shared" / "data").joinpath(*parts)


# Where each selection's rows come from: file name in the selection -> the real file, in the data directory.
_SELECTION_SOURCES = {
    "sdn_2024-07-02_selection": {"sdn.csv": ("ofac", "sdn_2024-07-02", "sdn.csv")},
    "sdn_2024-07-02_named": {
        "sdn.csv": ("ofac", "sdn_2024-07-02", "sdn.csv"),
        "add.csv": ("ofac", "sdn_2025-12-24_partial", "add.csv"),
        "alt.csv": ("ofac", "sdn_2025-12-24_partial", "alt.csv"),
        "sdn_comments.csv": ("ofac", "sdn_2025-12-24_partial", "sdn_comments.csv"),
    },
}


def select_rows(data: bytes, entries: set[str]) -> bytes:
    """The lines of an OFAC legacy CSV whose first field is one of ``entries``, in file order, byte for byte.

    OFAC's records are one CRLF-terminated line each; the final ``0x1A`` line is kept when the file has it.
    """
    lines = data.split(b"\r\n")
    kept = [line for line in lines if line.split(b",", 1)[0].decode("ascii", "replace") in entries]
    out = b"".join(line + b"\r\n" for line in kept)
    if data.rstrip(b"\r\n").endswith(EOF_LINE):
        out += EOF_LINE
    return out


def selection(name: str) -> Path:
    """The folder of a selection's files, cut from the real files on first use (see the module docstring)."""
    entries = set((SELECTIONS / f"{name}.txt").read_text().split())
    sources = _SELECTION_SOURCES[name]
    digest = hashlib.sha256(" ".join(sorted(entries)).encode() + str(DATA_DIR).encode()).hexdigest()[:12]
    folder = Path(tempfile.gettempdir()) / "tracker-test-selections" / f"{name}-{digest}"
    folder.mkdir(parents=True, exist_ok=True)
    for file_name, parts in sources.items():
        target = folder / file_name
        if target.exists():
            continue
        source = data_path(*parts)
        if not source.is_file():  # no data directory: the tests using it are skipped (``requires_data``)
            continue
        content = select_rows(source.read_bytes(), entries)
        partial = target.with_name(f"{file_name}.{os.getpid()}.part")  # xdist workers may race: last one wins
        partial.write_bytes(content)
        partial.replace(target)
    return folder


def data_bytes(*parts: str) -> bytes:
    """A real file's bytes, for module-level constants of modules marked ``requires_data``.

    Without a data directory it returns ``b""`` so that such a module can still be collected (and its
    tests skipped with the reason above) instead of failing collection.
    """
    path = data_path(*parts)
    return path.read_bytes() if path.is_file() else b""
