"""OpenAPI details drf-spectacular cannot infer: the error shape, on every operation it can
happen on, and the 304 of conditional GETs."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField(help_text="The HTTP status, repeated.")
    code = serializers.CharField(
        help_text="Machine-readable reason: invalid, not_authenticated, permission_denied, "
        "not_found, method_not_allowed, conflict, edit_conflict, precondition_failed, "
        "throttled, ..."
    )
    message = serializers.CharField(help_text="What went wrong, in a sentence.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="For 400: each bad field (dotted for nested ones, such as parties.0.company) "
        "with its messages. Empty otherwise.",
    )
    request_id = serializers.CharField(
        help_text="This request's id, also in the X-Request-ID header and the server's log: "
        "quote it when you report a problem."
    )


class ErrorSerializer(serializers.Serializer):
    """Every API error, whatever its status."""

    error = ErrorDetailSerializer()


ERRORS = {
    "400": "A field or query parameter is not valid; `fields` names each one.",
    "401": "Writing needs a token: send `Authorization: Token <key>`.",
    "403": "Your account lacks the model permission this needs.",
    "404": "No such record, or it is not published.",
    "409": "The write conflicts with a record that already exists, or someone saved the "
    "record after the `version` you sent.",
    "412": "If-Match names a version that is no longer current: nothing was written. The "
    "message says what changed; the ETag header holds the current version.",
    "429": "Too many requests; wait the seconds in the Retry-After header.",
}


class ApiAutoSchema(AutoSchema):
    def errors_for_operation(self) -> list[str]:
        codes = ["400", "429"]
        if self.method in ("POST", "PUT", "PATCH"):
            codes += ["401", "403", "409"]
        if self.method in ("PUT", "PATCH"):
            codes.append("412")
        if "{" in self.path:
            codes.append("404")
        return sorted(codes)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self.method == "GET":
            responses.setdefault(
                "304",
                {
                    "description": "Not modified: your copy (If-None-Match or "
                    "If-Modified-Since) is current."
                },
            )
        for code in self.errors_for_operation():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = ERRORS[code]
                responses[code] = response
        return responses
