"""Public pages and the API never show who edited, reviewed or imported what, nor any account's details."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.authtoken.models import Token

from designations.models import Designation
from importers.models import ImportRun
from tests.security.conftest import endpoint, endpoint_names

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_traces(world):
    """An editor who imported, reviewed and edited: every place the tracker records a user."""
    editor = User.objects.create_user(
        "ada.lovelace", email="ada@analytical.example", password="a long passphrase", is_staff=True
    )
    token = Token.objects.create(user=editor)
    ImportRun.objects.update(
        started_by=editor,
        skipped_changes=[
            {"designee": world["chen"].pk, "field": "name", "decision": "accepted", "decided_by": editor.username}
        ],
    )
    designee = world["chen"]
    designee.reviewed_by = editor
    designee._history_user = editor
    designee.save()
    Designation.objects.update(reviewed_by=editor)
    return [editor.username, editor.email, editor.password, token.key]


@pytest.mark.parametrize("name", endpoint_names())
def test_no_public_answer_names_an_editor(editor_traces, name):
    target = endpoint(name)
    client = Client()

    answers = [client.get(target.path)]
    if "format" in target.parameters:
        answers += [client.get(target.path, {"format": "csv"}), client.get(target.path, {"format": "api"})]
    for response in answers:
        body = (b"".join(response.streaming_content) if response.streaming else response.content).decode(
            "utf-8", errors="replace"
        )
        assert response.status_code < 500
        for trace in editor_traces:
            assert trace not in body, (target.path, response.get("Content-Type"), trace[:12])
