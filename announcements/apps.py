from django.apps import AppConfig


class AnnouncementsConfig(AppConfig):
    name = "announcements"
    verbose_name = "announcements"

    def ready(self) -> None:
        # The announcement sources plug into the import machinery: their adapters by slug, and the writer
        # of the pages they parse into.
        from announcements.models import Announcement, Mention
        from announcements.services import announcement_pages_write, reconstructed_announcement_documents
        from announcements.sources import ADAPTERS, PageRecord
        from designations.extensions import register_reconstruction_lookup
        from importers import writers
        from importers.sources import register
        from tracker import dataversion

        for adapter in ADAPTERS:
            register(adapter)
        writers.register(PageRecord)(announcement_pages_write)
        # What the announcements API and the review queue show (tracker.dataversion).
        dataversion.register(Announcement)
        dataversion.register(Mention)
        # The designations' pages ask which documents are reconstructed pages (never the publisher's words).
        register_reconstruction_lookup(reconstructed_announcement_documents)
