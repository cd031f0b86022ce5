"""API pagination: limit/offset, 50 by default, at most 500 a page."""

from rest_framework import pagination


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    default_limit = 50
    max_limit = 500
