"""The schema's conventions: every operation documents its error responses (the JSON of
`errors.py`), so that clients and Schemathesis know every status the API may answer."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema

from directives import models
from directives.api.serializers import ErrorSerializer

# Names of the enums that share a field name ("status"), for SPECTACULAR_SETTINGS.
TASK_STATUS = models.Task.Status.choices
DIRECTIVE_STATUS = models.Directive.Status.choices

ERROR_CODES = ["400", "401", "403", "404", "405", "415", "429"]


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        for code in ERROR_CODES:
            if code not in bodies:
                bodies[code] = self._get_response_for_code(ErrorSerializer, code, direction=direction)
        return bodies
