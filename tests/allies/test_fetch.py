"""The allied lists in their publishers' formats download from their configured URLs and are scheduled:
a run without a path fetches the file (from a loopback server holding the real DFAT xlsx), imports it, and
the next run's conditional request finds it unchanged."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings

from allies.adapters import FILES
from allies.models import AlliedDesignation
from importers.models import ImportRun
from importers.services import import_run_create, import_run_execute
from importers.sources import get_adapter
from tests.allies import rawfiles
from tests.datafiles import data_bytes, requires_data
from tests.importers.test_fetch import server  # noqa: F401  (the loopback server fixture)

SOURCE = "au-dfat-consolidated-xlsx"
NAME = "regulation8_consolidated.xlsx"


def test_every_scheduled_allied_list_has_an_adapter_a_file_and_a_url():
    scheduled = {
        entry["args"][0]
        for key, entry in django_settings.CELERY_BEAT_SCHEDULE.items()
        if key.startswith("import-") and entry["args"][0] in FILES
    }
    assert scheduled == set(django_settings.ALLIED_SCHEDULED_SOURCES)
    for source in scheduled:
        adapter = get_adapter(source)
        assert adapter.files == FILES[source] and len(adapter.files) == 1, source
        assert django_settings.IMPORT_SOURCE_URLS[source].startswith("https://"), source
    # The scrapes have no publisher's URL: they are imported from a path only.
    assert not get_adapter("eu-fsf-ammitto").files and "eu-fsf-ammitto" not in django_settings.IMPORT_SOURCE_URLS


@requires_data
@pytest.mark.django_db
def test_a_scheduled_run_downloads_the_file_imports_it_and_then_finds_it_unchanged(server, settings):  # noqa: F811
    server.files[NAME] = data_bytes(*rawfiles.DFAT)
    settings.IMPORT_SOURCE_URLS = {**settings.IMPORT_SOURCE_URLS, SOURCE: server.url + NAME}

    def scheduled_run() -> ImportRun:
        run = import_run_create(source=SOURCE, trigger=ImportRun.Trigger.SCHEDULED)
        return import_run_execute(run_id=run.pk)

    first = scheduled_run()
    assert first.status == ImportRun.Status.SUCCEEDED, first.error
    assert server.requests[0][0].endswith("/" + NAME)
    listed = AlliedDesignation.objects.filter(entry__list_slug="au-dfat-consolidated")
    assert listed.filter(regime_code="AU-HR").count() == 103  # as in the file (PROVENANCE.md)

    second = scheduled_run()
    assert second.status == ImportRun.Status.UNCHANGED, second.error
    assert server.requests[1][1].get("If-None-Match")  # asked with the first answer's ETag
    assert listed.filter(regime_code="AU-HR").count() == 103
