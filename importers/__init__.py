"""Imports: ``ImportRun`` and every service of its life (start, execute, review, skipped changes), the adapter
registry (``sources``: fetch bytes, parse purely into records), the upsert (a plan diffed from records, then
written set-based) and the Celery tasks. It writes ``designations`` and imports nothing above it: the
announcements and the allied lists register their adapters and writers with it.
"""
