"""JSON that may hold parts already written as JSON text (deals/api/pg_json.py)."""

from __future__ import annotations

import secrets

from rest_framework import renderers

#: U+2028 and U+2029 in UTF-8, and how DRF's renderer writes them (they end a line in
#: JavaScript); in JSON text they can only stand inside a string, where the escape means the
#: same character.
SEPARATORS = (("\u2028".encode(), b"\\u2028"), ("\u2029".encode(), b"\\u2029"))
#: Their first byte, which no Hangul syllable or ASCII character has in UTF-8.
_LEAD = SEPARATORS[0][0][:1]


def escaped_separators(content: bytes) -> bytes:
    """UTF-8 JSON `content` with U+2028 and U+2029 escaped as DRF's JSONRenderer escapes them.

    Looking for their first byte (a memchr) costs a few microseconds over a page of 50 deals;
    `bytes.replace` or `in` with the whole three bytes took a hundred times longer on Korean
    text, whose bytes keep matching their last byte."""
    start = content.find(_LEAD)
    while start >= 0:
        if any(content.startswith(raw, start) for raw, _escaped in SEPARATORS):
            for raw, escaped in SEPARATORS:
                content = content.replace(raw, escaped)
            return content
        start = content.find(_LEAD, start + 1)
    return content


class RawJSON:
    """JSON text (UTF-8 bytes) to put into a response as it is, in place of a value; U+2028
    and U+2029 are escaped here, as DRF's renderer escapes them everywhere else."""

    __slots__ = ("content",)

    def __init__(self, content: bytes):
        self.content = escaped_separators(content)


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSONRenderer, writing a `RawJSON` body, or a `RawJSON` value of a top-level
    object, unchanged."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, RawJSON):
            return data.content
        raw = {}
        if isinstance(data, dict) and any(isinstance(v, RawJSON) for v in data.values()):
            data = dict(data)
            for name, value in data.items():
                if isinstance(value, RawJSON):
                    # A placeholder no value can hold by chance: a fresh random token.
                    token = f"raw-json-{secrets.token_hex(16)}"
                    raw[token] = value.content
                    data[name] = token
        content = super().render(data, accepted_media_type, renderer_context)
        for token, written in raw.items():
            content = content.replace(f'"{token}"'.encode(), written, 1)
        return content
