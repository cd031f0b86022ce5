"""The OpenAPI schema class (``DEFAULT_SCHEMA_CLASS``): drf-spectacular's, plus the error responses that
``tracker.api`` gives on every endpoint.

Apart from ``tracker/api.py`` because drf-spectacular imports ``rest_framework.views``, which in turn
imports ``tracker.api`` for its default classes.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import permissions

_DETAIL_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
_VALIDATION_SCHEMA = {
    "type": "object",
    "description": "Each invalid parameter (or `detail`) with its messages.",
    "additionalProperties": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema with the 400, 403, 404 and 429 answers the shared machinery gives.

    An operation keeps any answer its view documents for the same code.
    """

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        errors = {"400": ("Invalid or unknown query parameter or value.", _VALIDATION_SCHEMA)}
        if "{" in self.path:
            errors["404"] = ("Not found.", _DETAIL_SCHEMA)
        if self.method not in permissions.SAFE_METHODS and not all(
            issubclass(cls, permissions.AllowAny) for cls in self.view.permission_classes
        ):
            errors["403"] = ("Not signed in, a wrong token, or no permission for this write.", _DETAIL_SCHEMA)
        if self.view.throttle_classes:
            errors["429"] = ("Too many requests; retry after `Retry-After` seconds.", _DETAIL_SCHEMA)
        for code, (description, schema) in errors.items():
            if code not in responses:
                responses[code] = {
                    "content": {"application/json": {"schema": schema}},
                    "description": description,
                    **({"headers": _RETRY_AFTER} if code == "429" else {}),
                }
        return responses


_RETRY_AFTER = {
    "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before the next request."}
}
