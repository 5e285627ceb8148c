"""deals/api/renderers.py: JSON written elsewhere (PostgreSQL) goes into a response as DRF's
renderer would have written it."""

import json

import pytest
from rest_framework.renderers import JSONRenderer as DRFRenderer

from deals.api.renderers import JSONRenderer, RawJSON, escaped_separators

#: Texts around U+2028 and U+2029, and the other characters whose UTF-8 starts with the same
#: byte (…, –, “, ‰, ₩, ™), which must be left alone.
TEXTS = [
    "",
    "삼성전자 엔비디아 HBM3E 공급",
    "\u2028",
    "\u2029끝",
    "줄\u2028바꿈\u2029문단\u2028",
    "… – “따옴표” ‰ ₩1,000 ™",
    "…\u2028–",
    "\u2027\u202a\u2018 \U0001f680",
]


@pytest.mark.parametrize("text", TEXTS)
def test_separators_are_escaped_as_drf_escapes_them(text):
    data = {"title": text, "n": 1}
    drf = DRFRenderer().render(data)
    written = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    assert escaped_separators(written) == drf
    assert JSONRenderer().render(RawJSON(written)) == drf
    assert json.loads(escaped_separators(written)) == data


@pytest.mark.parametrize("text", TEXTS)
def test_a_raw_value_inside_an_object_is_written_as_drf_writes_the_whole(text):
    results = [{"title": text, "slug": "deal-1"}, {"title_ko": "두 번째", "slug": "deal-2"}]
    written = json.dumps(results, ensure_ascii=False, separators=(",", ":")).encode()
    page = {"next": "http://localhost/api/v1/deals/?cursor=e30%3D", "previous": None}
    ours = JSONRenderer().render({**page, "results": RawJSON(written)})
    assert ours == DRFRenderer().render({**page, "results": results})


def test_text_without_separators_is_the_same_object():
    written = "엔비디아 … – 공급".encode() * 1000
    assert escaped_separators(written) is written
