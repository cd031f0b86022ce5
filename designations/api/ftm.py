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
    its `Sanction` entities, as JSON lines (one entity per line), streamed.

    Entity ids are `<source>-<entry>` (`ofac-sdn-29220`); sanctions are `<entity id>-sanction-<designation
    id>`. The same file comes from `manage.py export_ftm`.
    """

    @extend_schema(responses={(200, "application/x-ndjson"): OpenApiResponse(OpenApiTypes.STR)})
    def get(self, request, *args, **kwargs):
        return StreamingHttpResponse(
            ftm_lines(Designee.objects.all()),
            content_type="application/x-ndjson; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="designees.ftm.json"'},
        )
