"""Import-run services: every way an ``ImportRun`` is created, run, reviewed and followed up.

* ``runs``: create, queue and execute a run (``import_run_execute`` owns its status transitions).
* ``files``: the raw files of a run, read or downloaded, kept by hash, staged for a later run.
* ``checks``: what a run checks about its files before it writes.
* ``lists``: the writers of list records (``importers.writers``).
* ``review``: an editor confirms or rejects a run held for review.
* ``skipped``: an editor accepts or dismisses a change a lock made an import skip.
* ``start``: imports editors start in the admin (now, from uploads, or a re-parse).

Callers import the public names from here (``from importers.services import import_run_create``).
"""

from importers.services.review import import_run_confirm, import_run_reject
from importers.services.runs import (
    DATABASE_ERRORS,
    NETWORK_ERRORS,
    RUN_LOCK_CLASS,
    TRANSIENT_ERRORS,
    ImportRefused,
    import_run_create,
    import_run_enqueue,
    import_run_execute,
)
from importers.services.skipped import skipped_change_accept, skipped_change_dismiss, skipped_changes_pending
from importers.services.start import import_run_reparse, import_run_start

__all__ = [
    "DATABASE_ERRORS",
    "NETWORK_ERRORS",
    "RUN_LOCK_CLASS",
    "TRANSIENT_ERRORS",
    "ImportRefused",
    "import_run_confirm",
    "import_run_create",
    "import_run_enqueue",
    "import_run_execute",
    "import_run_reject",
    "import_run_reparse",
    "import_run_start",
    "skipped_change_accept",
    "skipped_change_dismiss",
    "skipped_changes_pending",
]
