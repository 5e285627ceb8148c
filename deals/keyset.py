"""Keyset ("cursor") paging shared by the API and the HTML lists: one indexed range query per
page, whatever page the reader is on, and no count of the table.

A sort key is a field (missing values last) with the id breaking ties. A position is the whole
key of a row: `[empty, value, id]`, where `empty` says the field has no value. Rows with a value
and rows without one are read by two separate queries, each of which an ordinary b-tree index on
`(field, id)` (after any equality filter such as `publication`) serves by a range scan, in
either direction; the second runs only when the first does not fill the page. An ORDER BY on an
expression such as `CASE WHEN field IS NULL` could not use an index and sorted the whole table.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import F, Q


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool
    nullable: bool

    @classmethod
    def for_model(cls, model, field: str, descending: bool) -> SortKey:
        nullable = field != "id" and model._meta.get_field(field).null
        return cls(field=field, descending=descending, nullable=nullable)

    def _order(self, descending: bool, *, values: bool, backwards: bool) -> list:
        """ORDER BY for one group: the list's own order (SortFilter's, missing values last)
        or its exact reverse, so that one b-tree index serves both directions."""
        terms = []
        if values and self.field != "id":
            nulls = {}
            if self.nullable:
                nulls = {"nulls_first": True} if backwards else {"nulls_last": True}
            field = F(self.field)
            terms.append(field.desc(**nulls) if descending else field.asc(**nulls))
        terms.append("-id" if descending else "id")
        return terms

    def _beyond(self, descending: bool, position: list, *, values: bool) -> Q:
        """Rows strictly after `position` in the given direction, within one group."""
        _empty, value, pk = position
        op, op_eq = ("lt", "lte") if descending else ("gt", "gte")
        if not values or self.field == "id":
            return Q(**{f"id__{op}": pk})
        # The redundant `<=` bound is what lets the index serve the scan as a range.
        return Q(**{f"{self.field}__{op_eq}": value}) & (
            Q(**{f"{self.field}__{op}": value}) | Q(**{f"id__{op}": pk})
        )

    def clean(self, model, position: list) -> list:
        """The position as the sort field reads it; ValueError when no row could have it.

        Cursors come back from clients: a value the database cannot compare with the field
        (a NUL in text, a number past the column's digits, not-a-number, a date that does not
        exist, an id past bigint) made the page a server error instead of "invalid cursor".
        """
        empty, value, pk = position
        if not -(2**63) <= pk < 2**63 or empty != (value is None):
            raise ValueError("not a position")
        if empty:
            if not self.nullable:
                raise ValueError("not a position")
            return position
        if "\x00" in value:
            raise ValueError("not a position")
        field = model._meta.get_field(self.field)
        try:
            cleaned = field.to_python(value)
            field.run_validators(cleaned)
            if isinstance(cleaned, dt.datetime):
                cleaned.astimezone(dt.UTC)  # the database compares in UTC
        except (ValidationError, OverflowError, ArithmeticError) as error:
            raise ValueError("not a position") from error
        return [empty, cleaned, pk]

    def position_of(self, row) -> list:
        value = getattr(row, self.field)
        empty = value is None
        return [empty, None if empty else str(value), row.id]


def page(queryset, key: SortKey, position: list | None, *, backwards: bool, size: int):
    """The `size` rows after `position` (before it when `backwards`), in display order, and
    whether more rows lie beyond them in the direction of travel."""
    if position is not None:
        position = key.clean(queryset.model, position)
    descending = key.descending != backwards
    want = size + 1
    groups = ["values", "empty"] if key.nullable else ["values"]
    if backwards:
        groups.reverse()
    if position is not None and key.nullable:
        # Start in the position's own group; groups before it in this direction are done.
        own = "empty" if position[0] else "values"
        groups = groups[groups.index(own) :]
    rows: list = []
    for group in groups:
        values = group == "values"
        part = queryset
        if key.nullable:
            part = part.filter(**{f"{key.field}__isnull": not values})
        if position is not None and (position[0] == (not values) or not key.nullable):
            part = part.filter(key._beyond(descending, position, values=values))
        part = part.order_by(*key._order(descending, values=values, backwards=backwards))
        rows.extend(part[: want - len(rows)])
        if len(rows) >= want:
            break
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    return rows, more


def encode(position: list, *, backwards: bool) -> str:
    raw = json.dumps({"p": position, "b": int(backwards)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii")


def decode(token: str) -> tuple[list, bool]:
    """The position and direction in a cursor; ValueError when it is not one of ours."""
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode("ascii")).decode("utf-8"))
        position, backwards = data["p"], bool(data.get("b"))
        if not (isinstance(position, list) and len(position) == 3):
            raise ValueError
        empty, value, pk = position
        if not isinstance(empty, bool) or not isinstance(pk, int) or isinstance(pk, bool):
            raise ValueError
        if value is not None and not isinstance(value, str):
            raise ValueError
    except (ValueError, KeyError, TypeError, UnicodeError, binascii.Error, AttributeError):
        raise ValueError("not a cursor") from None
    return position, backwards


def deal_list_cursor(offset: int) -> str:
    """The cursor of the deal list's default order after `offset` rows (the benchmark's page
    2,000, as a reader reaches it by following Next links)."""
    from .filters import DealFilterSet
    from .models import Deal

    field, descending = DealFilterSet.base_filters["ordering"].parse(None)
    key = SortKey.for_model(Deal, field, descending)
    queryset = Deal.objects.published().only("id", field)
    rows, _more = page(queryset, key, None, backwards=False, size=offset)
    return encode(key.position_of(rows[-1]), backwards=False)
