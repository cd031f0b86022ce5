"""One designee on three allied lists: ZHU Hailun, the Xinjiang official the UK, the EU and Canada listed
in March 2021 (the UK and the EU on 22 March, Canada's China regulations registered on 21 March)."""

from __future__ import annotations

import datetime

from tests.allies import real
from tests.datafiles import requires_data

pytestmark = requires_data


def test_zhu_hailun_is_on_the_uk_eu_and_canadian_lists_in_march_2021():
    uk = real.by_uid("uk-ofsi-conlist-xlsx")["14078"]
    uk_scrape = real.by_uid("uk-sanctions-list-ammitto")["GHR0078"]
    eu = real.by_uid("eu-fsf-ammitto")["128226"]
    (ca,) = real.find("ca-sema-lmes-ammitto", lambda r: r.name == "Hailun Zhu")
    assert uk.designation("UK-GHR").listed_on == uk_scrape.designation("UK-GHR").listed_on == datetime.date(2021, 3, 22)
    assert eu.designation("EU-HR").date("regulation_published") == datetime.date(2021, 3, 22)  # the EU's stand-in
    assert ca.designation("CA-SEMA-CHINA").listed_on == datetime.date(2021, 3, 21)


def test_the_uk_and_eu_give_him_the_same_month_of_birth():
    uk = real.by_uid("uk-ofsi-conlist-xlsx")["14078"].birth_dates
    eu = real.by_uid("eu-fsf-ammitto")["128226"].birth_dates
    assert [(b.date_from, b.date_to) for b in uk] == [(b.date_from, b.date_to) for b in eu]
    assert uk[0].date_from == datetime.date(1958, 1, 1) and uk[0].precision == "month"
