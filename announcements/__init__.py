"""OFAC notices, Treasury press releases and State statements: pure parsers of their pages, adapters
registered with the importers in ``AnnouncementsConfig.ready``, the linking of each named party (mentions) to
designees, the editors' review queue and the reconciliation of announcements with the lists. The top layer.
"""
