"""The API's JSON parser: DRF's, refusing bodies that Python's json module cannot read safely."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        # json.loads recurses once per nesting level: about a thousand levels of [[[...]]]
        # raised RecursionError, which is not a ValueError, and so came out as a server error.
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the body is nested too deeply.") from None
