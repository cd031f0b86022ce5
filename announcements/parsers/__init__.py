"""Pure parsers of announcement pages: bytes in, ``ParsedAnnouncement`` or index items out.

No database and no network here. Every parser raises ``AnnouncementParseError`` when a page has none
of the structure it knows (a layout change must fail its run loudly, never import nothing silently).
"""

from announcements.parsers.base import (
    AnnouncementParseError,
    IndexItem,
    IndexPage,
    ParsedAnnouncement,
    ParsedEntry,
)

__all__ = ["AnnouncementParseError", "IndexItem", "IndexPage", "ParsedAnnouncement", "ParsedEntry"]
