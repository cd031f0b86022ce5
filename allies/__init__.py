"""Allied designations: the UK, EU, Canadian and Australian lists, beside the US ones.

This package reads the allied lists into plain records; it has no models yet and writes nothing.

* ``allies.records``: ``AlliedRecord`` (one list entry: the designee, its facts, one
  ``AlliedDesignation`` per regime) and ``ParsedAlliedSource`` (records, warnings, figures, list date).
* ``allies.parsers``: one pure parser per list and format (``allies.parsers.MODULES``).
* ``allies.regimes``: the human-rights and anti-corruption regimes, their published labels and their
  dated legal instruments.
* ``allies.safefiles``: the guards every parser reads its input through (zip, tar.gz, YAML).

What each date kind means for whoever stores them (``allies.records.DATE_KINDS``):

* ``listed`` is the publisher's own listing date: the designation's start.
* ``first_listed`` (OFSI only) is when OFSI's list took the entry in; it predates ``listed`` for listings
  carried over from EU law. Evidence of presence on the list, not the UK designation date.
* ``regulation_published`` (EU) stands in for a missing designation date: on or after the real one,
  the real one only if the listing act is still cited. Never to be shown as the listing date.
* ``control_date`` (DFAT) and ``last_updated`` are the last change: they bound a listing from above
  ("listed on or before"), they do not date it.
* ``relisted`` dates renew an existing listing; they start no new designation.
"""
