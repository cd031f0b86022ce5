"""The editors' workspace in headless Chromium: an editor locks a field, runs an import, sees the change
the import skipped, accepts it, and reverts it from the history page.

Screenshots are saved under ``test-artifacts/editors-*.png`` (docs/editors.md shows them).
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User

from designations.models import Designee
from designations.services import roles_sync
from importers.models import ImportRun
from importers.services import import_run_create, import_run_execute
from tests.datafiles import data_path, requires_data

pytestmark = [requires_data, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).parent.parent.parent
ARTIFACTS = ROOT / "test-artifacts"
SDN_2024 = data_path("ofac", "sdn_2024-07-02")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(120_000)  # an import of the full list runs inside the request (eager Celery)
    page.off_machine = []
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((live_server.url, "data:", "blob:"))
            else page.off_machine.append(request.url)
        ),
    )
    yield page
    context.close()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"editors-{name}.png"), full_page=False)


@pytest.fixture
def editor(reference_data):
    roles_sync()
    user = User.objects.create_user("ada", password="correct horse", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    run = import_run_create(source="ofac-sdn", path=str(SDN_2024), as_of=datetime.date(2024, 7, 2))
    assert import_run_execute(run_id=run.pk).status == ImportRun.Status.SUCCEEDED
    return user


def _changed_list(tmp_path: Path) -> Path:
    """The real 2024-07-02 sdn.csv in which OFAC retitled entry 7513."""
    raw = (SDN_2024 / "sdn.csv").read_bytes()
    old, new = b'"GLOMAG","President of Zimbabwe",', b'"GLOMAG","President of the Republic of Zimbabwe",'
    assert raw.count(old) == 1
    path = tmp_path / "sdn.csv"
    path.write_bytes(raw.replace(old, new))
    return path


def test_editor_locks_a_field_runs_an_import_sees_the_skipped_change_and_reverts(page, live_server, editor, tmp_path):
    president = Designee.objects.get(source="ofac-sdn", source_uid="7513")

    # Log in as an editor.
    page.goto(live_server.url + "/admin/login/")
    page.fill("input[name=username]", "ada")
    page.fill("input[name=password]", "correct horse")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")

    # The review queue: the whole imported list is waiting.
    page.goto(live_server.url + "/admin/designations/designee/?queue=changed&q=mnangagwa")
    assert "MNANGAGWA, Emmerson Dambudzo" in page.inner_text("#result_list")
    _shot(page, "review-queue")

    # Lock the title of entry 7513.
    page.goto(f"{live_server.url}/admin/designations/designee/{president.pk}/change/")
    page.check('input[name=locked_fields][value="title"]')
    page.locator("fieldset", has_text="Locks").scroll_into_view_if_needed()
    _shot(page, "lock")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")
    president.refresh_from_db()
    assert president.locked_fields == ["title"]

    # Run an import of a list in which OFAC changed that title.
    page.goto(live_server.url + "/admin/importers/importrun/")
    page.click("text=Start an import")
    page.select_option("select[name=source]", "ofac-sdn")
    page.set_input_files("input[name=files]", str(_changed_list(tmp_path)))
    page.fill("input[name=as_of]", "2024-07-09")
    _shot(page, "start-import")
    page.click("input[value='Start the import']")
    page.wait_for_selector("table.skipped-changes")

    # The run page shows the change the lock kept out.
    run = ImportRun.objects.order_by("-pk").first()
    assert run.status == ImportRun.Status.SUCCEEDED and run.updated == 1 and run.started_by == editor
    skipped = page.inner_text("table.skipped-changes")
    assert "7513" in skipped and "President of the Republic of Zimbabwe" in skipped
    page.locator("table.skipped-changes").scroll_into_view_if_needed()
    _shot(page, "skipped-change")
    president.refresh_from_db()
    assert president.title == "President of Zimbabwe"

    # Accept it: the title takes the list's value.
    page.click('button[data-accept="0"]')
    page.wait_for_selector("text=accepted by ada")
    president.refresh_from_db()
    assert president.title == "President of the Republic of Zimbabwe"

    # Revert that edit from the designee's history.
    page.goto(f"{live_server.url}/admin/designations/designee/{president.pk}/history/")
    lock_version = president.history.order_by("history_id")[0]
    assert "President of the Republic of Zimbabwe" in page.inner_text("#change-history")
    _shot(page, "history")
    page.click(f'button[data-revert="{lock_version.history_id}"]')
    page.wait_for_selector(".messagelist")
    president.refresh_from_db()
    assert president.title == "President of Zimbabwe"
    assert "Reverted to the version of" in page.inner_text("#change-history")
    assert page.off_machine == []
