"""``/api/export/ftm/``: every designee as FollowTheMoney entities, as JSON lines."""

from __future__ import annotations

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.views import APIView

from designations.exports import ftm_lines
from designations.models import Designee
from tracker.api import StrictQueryParamsMixin


class FtmExportView(StrictQueryParamsMixin, APIView):
    """Every designee as a FollowTheMoney entity (Person, Organization, Vessel, Airplane), each followed by
    its `Sanction` entities and by the relationship entities of the links it publishes to other designees
    (`UnknownLink` for "Linked To"; `Family`, `Associate`, `Ownership`, `Representation`, `Directorship`
    where the kind and both ends fit), as JSON lines (one entity per line), streamed.

    Entity ids are `<source>-<entry>` (`ofac-sdn-29220`); sanctions are `<entity id>-sanction-<designation
    id>`; links are `<entity id>-<kind>-<other entity id>` (`ofac-sdn-15006-linked-to-ofac-sdn-6636`). A
    birth date known only as a range gives every year (or the month) it covers as `birthDate`, and a note
    `Birth date: <as published> (range <first day> to <last day>)`; a "circa" date gives its stated date
    and `Birth date: <as published> (approximate)`. The same file comes from `manage.py export_ftm`.
    """

    @extend_schema(responses={(200, "application/x-ndjson"): OpenApiResponse(OpenApiTypes.STR)})
    def get(self, request, *args, **kwargs):
        return StreamingHttpResponse(
            ftm_lines(Designee.objects.all()),
            content_type="application/x-ndjson; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="designees.ftm.json"'},
        )
