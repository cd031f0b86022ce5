"""Designees, their designations and dated events, and the documents facts come from: models, services and
selectors, the name matcher (``matching``), the analysts' pages (``views``), the feeds and the read-only API.
It imports ``programs`` and ``tracker``, never the importers.
"""
