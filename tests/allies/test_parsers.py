"""The parser registry: every slug names a module that declares it, its publisher and its list."""

from __future__ import annotations

import pytest

from allies.parsers import MODULES, parser
from allies.records import PUBLISHERS


def test_every_parser_declares_its_slug_publisher_and_list():
    lists = {}
    for slug in MODULES:
        module = parser(slug)
        assert module.SLUG == slug
        assert module.PUBLISHER in PUBLISHERS
        assert module.LIST_SLUG.startswith(f"{module.PUBLISHER}-")
        assert slug.startswith(module.LIST_SLUG)
        lists.setdefault(module.LIST_SLUG, []).append(slug)
    assert set(lists) == {"uk-ofsi-conlist", "uk-sanctions-list", "eu-fsf", "ca-sema-lmes", "au-dfat-consolidated"}


def test_an_unknown_slug_names_the_known_ones():
    with pytest.raises(KeyError, match="uk-ofsi-conlist-xlsx"):
        parser("ofac-sdn")
