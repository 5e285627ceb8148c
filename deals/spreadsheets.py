"""Spreadsheet files for the admin's import and export: which files are accepted (CSV or
XLSX, checked by name, content and size), how they are decoded (UTF-8 or CP949 without asking),
where an upload waits between preview and confirmation (the cache, never a path from the
request), and the widgets that turn what people type in cells into values and back.

The rules about records are in deals/resources.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
import zoneinfo
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

import tablib
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_countries import countries
from import_export import widgets
from import_export.formats import base_formats
from import_export.forms import ImportForm
from import_export.tmp_storages import CacheStorage

# --- Files ----------------------------------------------------------------------------------

#: Tried in order: UTF-8 (with or without the BOM Excel writes), then the code page Excel uses
#: for "CSV" on Korean Windows (CP949, a superset of EUC-KR). Editors are never asked.
CSV_ENCODINGS = ("utf-8-sig", "cp949")
#: An .xlsx is a zip; refuse one that unpacks to more than this many times the upload limit.
XLSX_UNPACKED_FACTOR = 20


#: What a spreadsheet program takes for the start of a formula ("CSV injection", OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def safe_cell(value):
    """A cell that a spreadsheet program shows instead of running: text that would start a
    formula gets an apostrophe in front (`'=HYPERLINK(…)`); plain numbers (-5, +3.2) and
    everything that is not text stay as they are. Import takes the apostrophe off again
    (`text_of`), so an exported file imports back to the same text."""
    if type(value) is not str or not value.startswith(FORMULA_START):
        return value
    return value if PLAIN_NUMBER.fullmatch(value) else "'" + value


def formula_guarded(dataset: tablib.Dataset) -> tablib.Dataset:
    guarded = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        guarded.append([safe_cell(cell) for cell in row])
    return guarded


class ImportFileError(ValueError):
    """The file cannot be read as what it says it is. The message says why, in plain words."""


def decode_csv(data: bytes) -> str:
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        gettext(
            "This CSV file is neither UTF-8 nor Korean Windows text (CP949/EUC-KR). Save it "
            "again as “CSV UTF-8” and upload that."
        )
    )


class CSV(base_formats.CSV):
    """CSV that finds its own encoding on import, and writes UTF-8 with a BOM on export so that
    Excel shows Korean text instead of mojibake.

    Read here rather than by tablib, which drops blank lines (so every later row would be named
    by the wrong number) and refuses a row with more cells than the header without saying which.
    """

    def create_dataset(self, in_stream, **kwargs):
        text = decode_csv(in_stream) if isinstance(in_stream, bytes) else in_stream
        try:
            rows = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as error:
            raise ImportFileError(
                gettext("This CSV file cannot be read: %(problem)s") % {"problem": error}
            ) from error
        if not rows:
            return tablib.Dataset()
        headers, width = rows[0], len(rows[0])
        dataset = tablib.Dataset(headers=headers)
        for number, row in enumerate(rows[1:], start=2):
            if any(cell.strip() for cell in row[width:]):
                raise ImportFileError(
                    gettext(
                        "Row %(row)d has %(cells)d cells, more than the %(columns)d columns the "
                        "first row names. A cell that holds a comma needs quotes around it."
                    )
                    % {"row": number, "cells": len(row), "columns": width}
                )
            dataset.append((row + [""] * width)[:width])
        return dataset

    def export_data(self, dataset, **kwargs):
        return "\ufeff" + super().export_data(formula_guarded(dataset), **kwargs)


class XLSX(base_formats.XLSX):
    """The first sheet of an Excel workbook; a file openpyxl cannot read is refused in words."""

    def create_dataset(self, in_stream):
        try:
            dataset = super().create_dataset(in_stream)
        except Exception as error:  # openpyxl raises many kinds for a damaged workbook
            raise ImportFileError(
                gettext("This Excel file cannot be read; save it again as .xlsx.")
            ) from error
        dataset.headers = ["" if h is None else str(h) for h in dataset.headers or []]
        return dataset

    def export_data(self, dataset, **kwargs):
        # openpyxl writes any text that starts with "=" as a live formula.
        return super().export_data(formula_guarded(dataset), **kwargs)


IMPORT_FORMATS = [CSV, XLSX]
EXPORT_FORMATS = [CSV, XLSX, base_formats.JSON]


def _looks_like_xlsx(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        return False
    if unpacked > settings.IMPORT_MAX_BYTES * XLSX_UNPACKED_FACTOR:
        raise ValidationError(
            gettext("This workbook unpacks to %(size)s, too much to import.")
            % {"size": filesizeformat(unpacked)},
            code="too_big",
        )
    return {"[Content_Types].xml", "xl/workbook.xml"} <= names


def _looks_like_text(data: bytes) -> bool:
    # Zip (xlsx, docx), old Excel/Word (OLE), PDF and images all hold bytes text never does.
    binary_starts = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF", b"\x89PNG", b"\xff\xd8\xff")
    return not data.startswith(binary_starts) and b"\x00" not in data


def check_upload(upload) -> type[base_formats.Format]:
    """The format of an uploaded file, after checking its size, its name and its content.

    The name only picks what the content must be; it is never used as a path.
    """
    limit = settings.IMPORT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            gettext("This file is %(size)s; files up to %(limit)s can be imported.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_big",
        )
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValidationError(
            gettext("Only CSV (.csv) and Excel (.xlsx) files can be imported."), code="type"
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if suffix == ".xlsx":
        if not _looks_like_xlsx(data):
            raise ValidationError(
                gettext("This file is named .xlsx but is not an Excel workbook."), code="type"
            )
        return XLSX
    if not _looks_like_text(data):
        raise ValidationError(gettext("This file is named .csv but is not text."), code="type")
    try:
        decode_csv(data)
    except ImportFileError as error:
        raise ValidationError(str(error), code="encoding") from error
    return CSV


class ImportFileForm(ImportForm):
    """The admin's import form. The format follows from the file (CSV or XLSX, by name and
    content) instead of being asked, and the size and type are checked before anything is
    read into a dataset."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.formats = list(formats)
        self.fields["format"].required = False
        self.fields["format"].widget = forms.HiddenInput()
        self.fields["import_file"].widget.attrs["accept"] = ".csv,.xlsx"
        self.fields["import_file"].help_text = gettext(
            "CSV (UTF-8, or CP949 as Korean Excel saves it) or Excel .xlsx, up to %(limit)s."
        ) % {"limit": filesizeformat(settings.IMPORT_MAX_BYTES)}

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        self.detected_format = check_upload(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        detected = getattr(self, "detected_format", None)
        if detected is not None:
            cleaned["format"] = str(self.formats.index(detected))
        return cleaned


class ImportCacheStorage(CacheStorage):
    """Holds an uploaded file in the cache between the preview and the confirmation; never on
    disk. Its name is ours (a random hex string); any other name sent back by the browser is
    refused, so no request can point the import at anything else."""

    CACHE_LIFETIME = 60 * 60
    NAME = re.compile(r"[0-9a-f]{32}")

    def read(self):
        self._check_name()
        data = super().read()
        if data is None:
            raise ImportFileError(
                gettext(
                    "The uploaded file is no longer held (an hour has passed, or the server "
                    "restarted). Upload it again."
                )
            )
        return data

    def remove(self):
        self._check_name()
        super().remove()

    def _check_name(self):
        if not self.NAME.fullmatch(self.name or ""):
            raise ImportFileError(gettext("This import cannot be found. Upload the file again."))


# --- Widgets: what people type, and what they get back ----------------------------------------


def text_of(value) -> str:
    """A cell as text, trimmed; None is empty. The apostrophe `safe_cell` puts before text
    that would start a formula is taken off."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a spreadsheet's 5090.0 in a text column means 5090
    text = str(value).strip()
    if text[:1] == "'" and text[1:].startswith(FORMULA_START):
        return text[1:].strip()
    return text


class TextWidget(widgets.CharWidget):
    """Text with the spaces around it removed; an empty cell is empty text, never NULL."""

    def clean(self, value, row=None, **kwargs):
        return text_of(value)


class ChoiceWidget(widgets.Widget):
    """A choice by its code (supply_contract) or its label in English or Korean (Supply
    contract, 공급 계약), in any case. Exported as the code, which round-trips."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = [(str(code), label) for code, label in choices if code != ""]
        self._codes: dict[str, str] | None = None

    def _by_name(self) -> dict[str, str]:
        if self._codes is None:
            codes = {}
            for code, label in self.choices:
                codes[code.casefold()] = code
                for language in ("en", "ko"):
                    with translation.override(language):
                        codes.setdefault(str(label).casefold(), code)
            self._codes = codes
        return self._codes

    def clean(self, value, row=None, **kwargs):
        text = text_of(value)
        if not text:
            return ""
        code = self._by_name().get(text.casefold())
        if code is None:
            raise ValueError(
                gettext("“%(value)s” is not one of: %(choices)s.")
                % {"value": text, "choices": ", ".join(code for code, _label in self.choices)}
            )
        return code

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class CountryWidget(widgets.Widget):
    """A country by its two-letter code (KR), or its name in English or Korean."""

    def clean(self, value, row=None, **kwargs):
        text = text_of(value)
        if not text:
            return ""
        if text.upper() in countries:
            return text.upper()
        for language in ("en", "ko"):
            code = countries.by_name(text, language=language)
            if code:
                return code
        raise ValueError(
            gettext("“%(value)s” is not a country; use a two-letter code such as KR or US.")
            % {"value": text}
        )

    def render(self, value, obj=None, **kwargs):
        return str(value or "")


class NumberWidget(widgets.Widget):
    """A number as people write it: 260000, 260,000 or 1.5. Its range is the model's to check."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            raise ValueError(gettext("“%(value)s” is not a number.") % {"value": value})
        if isinstance(value, int | Decimal):
            number = Decimal(value)
        elif isinstance(value, float):
            number = Decimal(str(value))
        else:
            text = text_of(value).replace(",", "").replace(" ", "")
            if not text:
                return None
            try:
                number = Decimal(text)
            except InvalidOperation:
                number = Decimal("NaN")
        if not number.is_finite():
            raise ValueError(gettext("“%(value)s” is not a number.") % {"value": text_of(value)})
        return number

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if kwargs.get("force_native_type"):
            return value
        if isinstance(value, Decimal):
            return f"{value.normalize():f}"
        return str(value)


class WholeNumberWidget(NumberWidget):
    def clean(self, value, row=None, **kwargs):
        number = super().clean(value, row, **kwargs)
        if number is None:
            return None
        if number != number.to_integral_value():
            raise ValueError(gettext("“%(value)s” is not a whole number.") % {"value": value})
        if number.adjusted() > 18:  # beyond any integer column; int() of 1E+999999 is slow
            raise ValueError(gettext("“%(value)s” is too large.") % {"value": value})
        return int(number)


DATE = re.compile(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})\.?")


class DateWidget(widgets.Widget):
    """A date as 2025-10-31; 2025.10.31 and 2025/10/31, as Korean spreadsheets write it, too."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = text_of(value)
        if not text:
            return None
        match = DATE.fullmatch(text)
        if match:
            try:
                return dt.date(*(int(part) for part in match.groups()))
            except ValueError:
                pass
        raise ValueError(
            gettext("“%(value)s” is not a date; write it as YYYY-MM-DD, for example 2025-10-31.")
            % {"value": text}
        )

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value if kwargs.get("force_native_type") else value.isoformat()


class DateTimeWidget(widgets.Widget):
    """A moment as 2025-10-29 19:30, in the row's `timezone` column (else Asia/Seoul), unless it
    names its own offset (2025-10-29T19:30+09:00). Exported in the settings' time zone."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, dt.datetime):
            moment = value
        elif isinstance(value, dt.date):
            moment = dt.datetime.combine(value, dt.time())
        else:
            text = text_of(value)
            if not text:
                return None
            try:
                moment = dt.datetime.fromisoformat(text)
            except ValueError:
                raise ValueError(
                    gettext(
                        "“%(value)s” is not a date and time; write it as YYYY-MM-DD HH:MM, for "
                        "example 2025-10-29 19:30."
                    )
                    % {"value": text}
                ) from None
        if timezone.is_naive(moment):
            try:
                zone = zoneinfo.ZoneInfo(text_of((row or {}).get("timezone")) or "Asia/Seoul")
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                zone = zoneinfo.ZoneInfo("Asia/Seoul")  # the timezone column reports its error
            moment = timezone.make_aware(moment, zone)
        return moment

    def render(self, value, obj=None, **kwargs):
        # Always text: Excel cannot hold a time zone, and the offset must survive a round trip.
        return "" if value is None else timezone.localtime(value).isoformat(timespec="minutes")


class BooleanWidget(widgets.Widget):
    """Yes or no, as 1/0, true/false, yes/no or 예/아니오. Anything else is an error, not "no"."""

    TRUE = {"1", "true", "yes", "y", "o", "예", "네"}
    FALSE = {"0", "false", "no", "n", "x", "아니오", "아니요"}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = text_of(value).casefold()
        if not text:
            return None
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(gettext("“%(value)s” is not yes or no.") % {"value": text_of(value)})

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value if kwargs.get("force_native_type") else ("true" if value else "false")


class SlugWidget(widgets.ForeignKeyWidget):
    """A related record by its slug."""

    def __init__(self, model, **kwargs):
        super().__init__(model, field="slug", **kwargs)

    def clean(self, value, row=None, **kwargs):
        slug = text_of(value)
        if not slug:
            return None
        found = self.model.objects.filter(slug=slug).first()
        if found is None:
            raise ValueError(no_such(self.model, slug))
        return found


def no_such(model, slug: str) -> str:
    return gettext("There is no %(thing)s with the slug “%(slug)s”.") % {
        "thing": model._meta.verbose_name,
        "slug": slug,
    }


def split_list(value) -> list[str]:
    """Several values in one cell, separated by ';' or by line breaks, without repeats."""
    items = re.split(r"[;\n]", text_of(value))
    return list(dict.fromkeys(item.strip() for item in items if item.strip()))
