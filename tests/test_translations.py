"""The Korean catalog is complete: every interface string has a Korean translation, none is
fuzzy, the compiled catalog is the one the source catalog makes, and no string in the code or
templates is missing from it."""

import gettext
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

LOCALE = Path(settings.BASE_DIR) / "locale"
PO = LOCALE / "ko" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _entries(text: str) -> list[dict]:
    """The entries of a .po file: msgid, msgid_plural, msgstr[...] and flags."""
    entries = []
    for block in re.split(r"\n\s*\n", text):
        entry = {"flags": set(), "msgstr": []}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif match := re.match(
                r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$', line
            ):
                key = match.group(1)
                value = match.group(2)
                if key.startswith("msgstr"):
                    entry["msgstr"].append(value)
                else:
                    entry[key] = value
            elif line.startswith('"') and key:
                if key.startswith("msgstr"):
                    entry["msgstr"][-1] += line[1:-1]
                else:
                    entry[key] += line[1:-1]
        if "msgid" in entry and entry["msgid"]:
            entries.append(entry)
    return entries


ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), value)


def test_every_string_has_a_korean_translation_and_none_is_fuzzy():
    entries = _entries(PO.read_text(encoding="utf-8"))
    assert len(entries) > 500
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"])]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


def test_the_compiled_catalog_matches_the_source():
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in _entries(PO.read_text(encoding="utf-8")):
        if "msgid_plural" in entry:
            continue
        msgid = _unescape(entry["msgid"])
        if "msgctxt" in entry:
            got = compiled.pgettext(_unescape(entry["msgctxt"]), msgid)
        else:
            got = compiled.gettext(msgid)
        assert got == _unescape(entry["msgstr"][0]), msgid


@pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="needs GNU gettext (.ci/run installs it)"
)
def test_no_string_in_the_code_is_missing_from_the_catalog(tmp_path, settings):
    # makemessages writes into locale/ of the current directory: run it over a copy.
    root = Path(settings.BASE_DIR)
    for folder in ("deals", "dealtracker", "templates", "locale"):
        shutil.copytree(
            root / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__", "*.mo")
        )
    import os

    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        call_command("makemessages", locale=["ko"], no_obsolete=True, verbosity=0)
    finally:
        os.chdir(cwd)
    fresh = _entries((tmp_path / "locale/ko/LC_MESSAGES/django.po").read_text(encoding="utf-8"))
    missing = [e["msgid"] for e in fresh if not all(e["msgstr"]) or "fuzzy" in e["flags"]]
    assert missing == []
