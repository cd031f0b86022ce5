"""API endpoints of announcements, the mention review queue and the reconciliation report.

Reading is open like the rest of the API. Deciding a mention (``POST /api/mentions/{id}/decide/``)
needs a signed-in user with ``announcements.review_mention`` (the Editors group). Editors' notes on
decisions are shown to editors only (``announcements.api.serializers.sees_internal_notes``): their answers
bypass the response cache and are marked private, so no cache hands them to anyone else.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.cache import patch_cache_control, patch_vary_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from announcements import services
from announcements.api.serializers import (
    AnnouncementDetailSerializer,
    AnnouncementSerializer,
    MentionDecisionSerializer,
    MentionSerializer,
    ReconciliationDesignationSerializer,
    sees_internal_notes,
)
from announcements.filtersets import AnnouncementFilterSet, MentionFilterSet
from announcements.models import Announcement, Mention
from designations.models import Designee
from tracker.api import StrictQueryParametersFilter
from tracker.response_cache import CachedReadMixin


class CanReviewMentions(permissions.BasePermission):
    message = "Deciding mentions needs the 'review mention' permission (the Editors group)."

    def has_permission(self, request, view) -> bool:
        return bool(
            request.user and request.user.is_authenticated and request.user.has_perm("announcements.review_mention")
        )


class EditorNotesMixin:
    """Answers that hold editors' notes (an editor's request) are never cached, here or downstream."""

    def _response_cache_key(self, request):
        if sees_internal_notes(request):
            return None
        return super()._response_cache_key(request)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if sees_internal_notes(request):
            patch_cache_control(response, private=True, no_cache=True)
            patch_vary_headers(response, ("Cookie", "Authorization"))
        return response


class AnnouncementViewSet(EditorNotesMixin, CachedReadMixin, viewsets.ReadOnlyModelViewSet):
    """OFAC Recent Actions notices, Treasury press releases and State statements, newest first.

    The detail adds the page's recorded versions and every party it names (its mentions).
    """

    queryset = Announcement.objects.select_related("document").order_by("-document__published_on", "-pk")
    filterset_class = AnnouncementFilterSet
    ordering_fields = ("id", "document__published_on", "source")

    def get_serializer_class(self):
        return AnnouncementDetailSerializer if self.action == "retrieve" else AnnouncementSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                "versions", Prefetch("mentions", queryset=Mention.objects.select_related("designee"))
            )
        return queryset


class MentionViewSet(EditorNotesMixin, CachedReadMixin, viewsets.ReadOnlyModelViewSet):
    """Parties named by announcements. `?status=review` is the editors' review queue.

    Public: each decision (`status`, the linked `designee`, `decided_at`). Editors only (staff users and
    holders of the change-mention permission): the decision's `note`. Who decided is not shown.

    `POST /api/mentions/{id}/decide/` with `{"decision": "accept" | "create" | "reject", "designee": id,
    "note": "..."}` decides one (editors only): accept links it to the given designee or the best
    candidate, create makes a new designee from it, reject records that it names nobody tracked.
    """

    queryset = Mention.objects.select_related("designee").order_by(
        "-announcement__document__published_on", "order", "pk"
    )
    serializer_class = MentionSerializer
    filterset_class = MentionFilterSet
    ordering_fields = ("id", "score", "status")

    @extend_schema(request=MentionDecisionSerializer, responses=MentionSerializer)
    @action(detail=True, methods=["post"], permission_classes=[CanReviewMentions])
    def decide(self, request, pk=None):
        mention = self.get_object()
        form = MentionDecisionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        decision, note = form.validated_data["decision"], form.validated_data.get("note", "")
        try:
            if decision == "accept":
                designee = None
                if "designee" in form.validated_data:
                    designee = Designee.objects.filter(pk=form.validated_data["designee"]).first()
                    if designee is None:
                        raise ValidationError({"designee": ["No designee has this id."]})
                mention = services.mention_accept(mention=mention, user=request.user, designee=designee, note=note)
            elif decision == "create":
                mention = services.mention_create_designee(mention=mention, user=request.user, note=note)
            else:
                mention = services.mention_reject(mention=mention, user=request.user, note=note)
        except services.MentionDecisionError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response(MentionSerializer(mention, context={"request": request}).data)


SECTIONS = ("announced_not_listed", "announced_unmatched", "listed_not_announced", "delisted_without_notice")


@extend_schema(
    parameters=[
        OpenApiParameter("program", OpenApiTypes.STR, description="Only this OFAC tag or program code."),
        OpenApiParameter(
            "section",
            OpenApiTypes.STR,
            enum=list(SECTIONS),
            description="The section whose rows are listed (paged); `announced_not_listed` by default. "
            "`counts` gives the size of every section.",
        ),
    ],
    responses={200: OpenApiTypes.OBJECT},
)
class ReconciliationView(EditorNotesMixin, generics.GenericAPIView):
    """What the announcements and the lists disagree on.

    * `announced_not_listed`: designations only announcements vouch for (no list import holds them);
    * `announced_unmatched`: announced listings whose party no designee matched yet (mentions in review);
    * `listed_not_announced`: designations on a list with no announcement dating their listing;
    * `delisted_without_notice`: delistings no announcement records.
    """

    queryset = Mention.objects.none()
    serializer_class = ReconciliationDesignationSerializer
    filter_backends = (StrictQueryParametersFilter,)
    extra_query_params = ("program", "section")

    def get(self, request, *args, **kwargs):
        self.filter_queryset(self.get_queryset())  # refuses unknown parameters and bad limits or offsets
        program = request.query_params.get("program") or None
        section = request.query_params.get("section") or SECTIONS[0]
        if section not in SECTIONS:
            raise ValidationError({"section": [f"Unknown section '{section}'. Known: {', '.join(SECTIONS)}."]})
        report = services.reconciliation(program=program)
        page = self.paginate_queryset(report[section])
        serializer = MentionSerializer if section == "announced_unmatched" else ReconciliationDesignationSerializer
        response = self.get_paginated_response(serializer(page, many=True, context={"request": request}).data)
        response.data = {
            "program": program,
            "section": section,
            "counts": {name: report[name].count() for name in SECTIONS},
            **response.data,
        }
        return response
