"""Where the real source files are: one rule for the settings, the benchmarks and the scripts.

OFAC's lists and their history, publishers' pages and the allied lists are third-party files, kept
outside this repository in a *data directory*: ``TRACKER_DATA_DIR`` when set, else ``../shared/data``
beside the checkout when that folder exists, else none. This module reads no Django settings, so
stand-alone scripts (``bench/``) use it before Django is configured (``tracker.env`` reads the variable,
so the local environment file may set it too).
"""

from __future__ import annotations

from pathlib import Path

from tracker.env import env_str

BASE_DIR = Path(__file__).resolve().parent.parent


def data_dir() -> Path | None:
    """The data directory, or None when there is none."""
    configured = env_str("TRACKER_DATA_DIR", "") or ""
    if configured:
        return Path(configured).expanduser().resolve()
    shared = BASE_DIR.parent / "shared" / "data"
    return shared.resolve() if shared.is_dir() else None


def data_path(*parts: str) -> Path:
    """A path inside the data directory; raises ``FileNotFoundError`` naming the setting when there is none."""
    folder = data_dir()
    if folder is None:
        raise FileNotFoundError(
            "No data directory: set TRACKER_DATA_DIR to the folder of real source files (e.g. ../shared/data)."
        )
    return folder.joinpath(*parts)
