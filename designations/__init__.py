"""Designees, their designations and dated events, and the documents facts come from: models, services and
selectors, the name matcher (``matching``), the analysts' pages (``views``), the feeds, the exports (CSV
columns and FollowTheMoney, ``exports``) and the read-only API. The apps above it add to its pages through
``extensions``. It imports ``programs`` and ``tracker``, never the importers.
"""
