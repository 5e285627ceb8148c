"""A catalogue of hostile and sloppy input, as plain data, for any test that takes input.

Every case has a `name` (used as the pytest id) and a `value`. Values are what a client would
send: `str` for form fields and query strings, `bytes` where the point is that they are not
valid UTF-8, and any JSON value (lists, dicts, booleans) for JSON bodies. Nothing here imports
Django, so the CSV importer's tests can reuse it as it is:

    from tests import hostile

    @pytest.mark.parametrize("case", hostile.TEXT, ids=hostile.ids)
    def test_import_refuses_or_keeps_as_text(case): ...

Groups, by where a value goes:

- `TEXT`: any text field (names, titles, notes, summaries). Each is either accepted and shown
  escaped, or refused with a message: never a crash.
- `NUMBERS`: decimal and integer fields (amount, quantity, rate, capacity, GPU count), as text.
- `DATES`, `DATETIMES`: date and date-time fields and date filters, as text.
- `ENUMS`: choice fields (kind, status, role, disclosure, ordering).
- `WRONG_JSON_TYPES`: a JSON value of the wrong type for any field.
- `SLUGS`: the `<slug>` of a URL and slug filters (company=, project=).
- `CURSORS`: the `?cursor=` of the API and of the HTML lists.
- `PAGE_SIZES`: `?page_size=`.
- `RAW_QUERY_STRINGS`: whole query strings as bytes (invalid UTF-8, repeated and empty keys).
- `RAW_BODIES`: whole request bodies as bytes (invalid UTF-8, deep nesting, not JSON).
- `TIME_ZONES`: time zone names (Meeting.timezone).
- `IDS`: a related record's id as a form sends it.
- `CURRENCIES`, `COUNTRIES`, `URLS`: codes and addresses with their own validators.

`SCRIPT` is the marker every HTML case carries; a test asserts it never appears unescaped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    """One hostile value. `note` says what it tries to break."""

    name: str
    value: object
    note: str = ""

    def __repr__(self) -> str:  # pytest shows this for a failing case; 10 MB would not help
        return f"Case({self.name!r})"


def ids(case: Case) -> str:
    """`ids=` for pytest.mark.parametrize."""
    return case.name


#: The marker in every HTML case: it must never reach a page unescaped.
SCRIPT = "<script>alert(1)</script>"

#: Ten mebibytes: over Django's 2.5 MB DATA_UPLOAD_MAX_MEMORY_SIZE and any field's max_length.
TEN_MB = "A" * (10 * 1024 * 1024)


def deeply_nested_json(levels: int = 1000) -> str:
    """`[[[...]]]` nested `levels` deep: Python's json module recurses once per level."""
    return "[" * levels + "]" * levels


def deeply_nested_object(levels: int = 1000) -> str:
    return '{"a":' * levels + "1" + "}" * levels


# --- Text fields ------------------------------------------------------------------------------

HTML = [
    Case("script_tag", SCRIPT, "stored XSS"),
    Case("img_onerror", f'<img src=x onerror="alert(1)">{SCRIPT}', "attribute XSS"),
    Case("closing_tags", f'"></textarea></title>{SCRIPT}', "break out of an attribute or tag"),
    Case("javascript_url", f"javascript:alert(1)//{SCRIPT}", "script URL"),
    Case(
        "template_syntax",
        f"{{{{ settings.SECRET_KEY }}}}{{% debug %}}{SCRIPT}",
        "template injection",
    ),
]

SQL = [
    Case("sql_quote", "'; DROP TABLE deals_deal; --", "SQL injection"),
    Case("sql_union", "1' UNION SELECT username, password FROM auth_user --"),
    Case("sql_like_wildcards", "%_%\\", "LIKE wildcards and a trailing escape"),
]

UNICODE = [
    Case("nul_byte", "Sam\x00sung", "PostgreSQL refuses NUL in text"),
    Case("only_nul", "\x00"),
    Case("rtl_override", "\u202egnusmaS\u202c", "right-to-left override"),
    Case("rtl_mark", "\u200f삼성\u200e", "right-to-left and left-to-right marks"),
    Case("zero_width", "Sam\u200bsung\ufeff", "zero-width space and BOM"),
    Case("emoji", "🚀 Nvidia 👩‍💻🇰🇷", "astral plane, ZWJ sequence, flag"),
    Case("compat_jamo", "ㅅㅅ", "Korean compatibility jamo, not syllables"),
    Case(
        "decomposed_hangul", "\u1109\u1161\u11b7\u1109\u1165\u11bc", "삼성 as conjoining jamo (NFD)"
    ),
    Case("lone_surrogate_escape", "\\ud800", "a surrogate as an escape, text only"),
    Case("control_chars", "a\x01\x07\x1b[31mb\x7f", "control characters and an ANSI escape"),
    Case("crlf_header", "x\r\nSet-Cookie: evil=1", "header injection"),
    Case("whitespace_only", " \t\u3000\n", "blank in several scripts"),
]

LONG = [
    Case("over_max_length", "가" * 1001, "over every CharField max_length"),
    Case("ten_mb", TEN_MB, "10 MB"),
]

#: Everything a text field may be sent. Long cases last, so a failing run shows the cheap ones.
TEXT = [*HTML, *SQL, *UNICODE, *LONG]
#: The same without the 10 MB case, for loops over many fields.
TEXT_SMALL = [case for case in TEXT if case.name != "ten_mb"]

# --- Numbers ----------------------------------------------------------------------------------

NUMBERS = [
    Case("negative", "-1"),
    Case("negative_zero", "-0.00", "should be accepted or refused, not stored oddly"),
    Case("nan", "NaN"),
    Case("nan_lower", "nan"),
    Case("infinity", "Infinity"),
    Case("negative_infinity", "-Infinity"),
    Case("inf", "inf"),
    Case("overflow_float", "1e309", "overflows a float to inf"),
    Case("huge_exponent", "1e999999999", "Decimal accepts it, quantize fails"),
    Case("tiny_exponent", "1e-400"),
    Case("too_many_digits", "9" * 40, "over max_digits"),
    Case("too_many_decimals", "1.123456789"),
    Case("bigint_overflow", str(2**63), "over PostgreSQL bigint"),
    Case("hex", "0x10"),
    Case("thousands_commas", "1,000"),
    Case("fullwidth_digits", "１２３", "full-width digits"),
    Case("arabic_digits", "١٢٣", "Arabic-Indic digits"),
    Case("words", "two hundred"),
    Case("number_with_script", f"1{SCRIPT}"),
]

# --- Dates and times -------------------------------------------------------------------------

DATES = [
    Case("feb_30", "2025-02-30"),
    Case("year_zero", "0000-01-01"),
    Case("year_one", "0001-01-01", "valid, but before year 1 once moved to UTC from +09:00"),
    Case("last_day", "9999-12-31", "valid, but past year 9999 once moved east of UTC"),
    Case("month_13", "2025-13-01"),
    Case("day_32", "2025-01-32"),
    Case("year_10000", "10000-01-01"),
    Case("negative_year", "-0001-01-01"),
    Case("not_a_date", "yesterday"),
    Case("date_with_script", f"2025-10-30{SCRIPT}"),
    Case("slashes", "30/10/2025"),
]

DATETIMES = [
    Case("offset_plus_25", "2025-10-30T12:00+25:00", "an offset past a day"),
    Case("offset_plus_99", "2025-10-30T12:00:00+99:00"),
    Case("offset_minus_99", "2025-10-30T12:00:00-99:00"),
    Case("hour_25", "2025-10-30T25:00:00"),
    Case("feb_30_time", "2025-02-30T12:00:00Z"),
    Case("year_zero_time", "0000-01-01T00:00:00Z"),
    Case("min_with_east_offset", "0001-01-01T00:00:00+14:00", "before datetime.min in UTC"),
    Case("max_with_west_offset", "9999-12-31T23:59:59-12:00", "after datetime.max in UTC"),
    Case(
        "last_minute_in_seoul",
        "9999-12-31T23:59:00+09:00",
        "valid, but year 10000 in a zone east of Seoul",
    ),
    Case("not_a_time", "noon"),
    Case("time_with_script", f"2025-10-30T12:00:00{SCRIPT}"),
]

TIME_ZONES = [
    Case("unknown_zone", "Mars/Olympus_Mons"),
    Case("path_zone", "../../../etc/passwd"),
    Case("offset_zone", "+99:00"),
    Case("lower_case_zone", "asia/seoul"),
    Case("zone_with_script", SCRIPT),
]

# --- Choices, codes, addresses ---------------------------------------------------------------

ENUMS = [
    Case("unknown_choice", "not_a_choice"),
    Case("upper_case_choice", "SUPPLY_CONTRACT", "the Python name, not the value"),
    Case("choice_with_space", "signed "),
    Case("choice_label", "Supply contract", "the label, not the value"),
    Case("choice_with_script", SCRIPT),
    Case("choice_with_nul", "signed\x00"),
]

CURRENCIES = [
    Case("lower_case_currency", "usd"),
    Case("unknown_currency", "XYZ"),
    Case("long_currency", "USDOLLAR"),
    Case("currency_with_script", SCRIPT),
]

COUNTRIES = [
    Case("unknown_country", "ZZ"),
    Case("three_letter_country", "KOR"),
    Case("country_with_script", SCRIPT),
]

URLS = [
    Case("javascript_scheme", "javascript:alert(1)"),
    Case("data_scheme", f"data:text/html,{SCRIPT}"),
    Case("ftp_scheme", "ftp://example.com/x"),
    Case("no_scheme", "example.com/report"),
    Case("url_with_script", f'https://example.com/"><{SCRIPT}'),
    Case("very_long_url", "https://example.com/" + "a" * 5000),
]

#: Values for a foreign key sent as an id (admin selects, autocomplete widgets).
IDS = [
    Case("id_word", "abc"),
    Case("id_negative", "-1"),
    Case("id_zero", "0"),
    Case("id_missing", "987654321"),
    Case("id_bigint_overflow", str(2**63)),
    Case("id_decimal", "1.5"),
    Case("id_with_script", SCRIPT),
    Case("id_with_nul", "1\x00"),
]

# --- JSON bodies ------------------------------------------------------------------------------

WRONG_JSON_TYPES = [
    Case("list_for_scalar", ["a", "b"]),
    Case("object_for_scalar", {"value": 1}),
    Case("true_for_scalar", True),
    Case("null_for_required", None),
    Case("nested_list", [[[["deep"]]]]),
    Case("huge_int", 10**400, "an int no float or bigint holds"),
]

RAW_BODIES = [
    Case("invalid_utf8_body", b'{"title": "\xff\xfe\xc3\x28"}'),
    Case("deep_list_body", deeply_nested_json().encode(), "1000 levels of lists"),
    Case("deep_object_body", deeply_nested_object().encode(), "1000 levels of objects"),
    Case("not_json", b"title=<script>"),
    Case("truncated_json", b'{"title": "x"'),
    Case("json_nan", b'{"amount": NaN, "quantity": Infinity}', "Python's json accepts these"),
    Case("json_overflow", b'{"amount": 1e309, "quantity": -1e309}'),
    Case("duplicate_keys", b'{"title": "a", "title": "b"}'),
    Case("top_level_list", b'[{"title": "x"}]'),
    Case("top_level_string", b'"x"'),
    Case("nul_in_json_string", json.dumps({"title": "a\x00b"}).encode()),
    Case("empty_body", b""),
]

# --- URLs and query strings -------------------------------------------------------------------

SLUGS = [
    Case("dot_dot", "../"),
    Case("dot_dot_encoded", "..%2F..%2Fetc%2Fpasswd"),
    Case("nul_encoded", "%00"),
    Case("nul_in_slug", "samsung%00"),
    Case("very_long_slug", "a" * 5000),
    Case("korean_slug", "삼성전자"),
    Case("script_slug", "%3Cscript%3Ealert(1)%3C%2Fscript%3E"),
    Case("invalid_utf8_slug", "%FF%FE"),
    Case("sql_slug", "x'%20OR%20'1'='1"),
]

CURSORS = [
    Case("garbage_cursor", "not-a-cursor"),
    Case("base64_junk", "AAAA"),
    Case("base64_json_wrong_shape", "eyJhIjogMX0", '{"a": 1} in base64'),
    Case("base64_list", "WzEsMiwzXQ", "[1,2,3] in base64"),
    Case("cursor_with_nul", "%00"),
    Case("cursor_with_script", "%3Cscript%3E"),
    Case("very_long_cursor", "A" * 20000),
    Case("invalid_utf8_cursor", "%FF%FE"),
    Case("negative_page", "-1"),
]

PAGE_SIZES = [
    Case("zero", "0"),
    Case("negative_size", "-5"),
    Case("huge_size", str(10**30)),
    Case("float_size", "1.5"),
    Case("nan_size", "NaN"),
    Case("word_size", "all"),
]

#: Whole query strings, bytes as they come off the wire (after the `?`).
RAW_QUERY_STRINGS = [
    Case("invalid_utf8_value", b"q=%FF%FE%C3%28"),
    Case("invalid_utf8_raw", b"q=\xff\xfe"),
    Case("invalid_utf8_key", b"%FF=1"),
    Case("repeated_q", b"q=samsung&q=%3Cscript%3E"),
    Case("repeated_ordering", b"ordering=title&ordering=-title&ordering=nope"),
    Case("empty_key", b"=x&&&="),
    Case("key_without_value", b"q&ordering&page"),
    Case("array_syntax", b"q[]=a&q[0]=b&kind[]=x"),
    Case("nul_key", b"%00=1"),
    Case(
        "many_params",
        b"&".join(b"k%d=v" % i for i in range(900)),
        "under Django's 1000-field limit",
    ),
    Case(
        "too_many_params",
        b"&".join(b"k%d=v" % i for i in range(1100)),
        "over Django's 1000-field limit",
    ),
]

#: Query values for any filter or search parameter, as text.
QUERY_VALUES = [
    *[case for case in TEXT_SMALL if case.name != "over_max_length"],
    Case("long_value", "가" * 2000),
    Case("percent_alone", "%"),
    Case("plus_sign", "+"),
]
