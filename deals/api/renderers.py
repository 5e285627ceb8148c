"""JSON that may hold parts already written as JSON text (deals/api/pg_json.py)."""

from __future__ import annotations

import secrets

from rest_framework import renderers


class RawJSON:
    """JSON text to put into a response as it is, in place of a value."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSONRenderer, writing a `RawJSON` body, or a `RawJSON` value of a top-level
    object, unchanged (except for DRF's escaping of U+2028 and U+2029, done here too)."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, RawJSON):
            return escape(data.text).encode()
        raw = {}
        if isinstance(data, dict) and any(isinstance(v, RawJSON) for v in data.values()):
            data = dict(data)
            for name, value in data.items():
                if isinstance(value, RawJSON):
                    # A placeholder no value can hold by chance: a fresh random token.
                    token = f"raw-json-{secrets.token_hex(16)}"
                    raw[token] = value.text
                    data[name] = token
        content = super().render(data, accepted_media_type, renderer_context)
        for token, text in raw.items():
            content = content.replace(f'"{token}"'.encode(), escape(text).encode(), 1)
        return content


def escape(text: str) -> str:
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
