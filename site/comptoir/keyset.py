"""Keyset pagination: pages that cost the same at any depth, with stable links.

A list ordered by (key, id) pages by the last row shown, not by an OFFSET that
makes the database walk every row before it: ``?after=<cursor>`` for the next page,
``?before=<cursor>`` for the previous one, ``?page=last`` for the last (the reversed
query, so it costs what the first page does). The condition is written
``key >= x AND (key > x OR id > y)``, the form that measured flat on SQLite (see
STYLE.md). Old ``?page=N`` links still answer (by OFFSET), so bookmarks keep working;
the links they show are cursors. A cursor that cannot be read gives the first page.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

LAST = "last"


@dataclass
class KeysetPage:
    """One page of a keyset-paginated list (templates/includes/keyset_pagination.html).

    `number` is known on the first, the last and old numbered pages, else None;
    `next_cursor`/`previous_cursor` are the `after`/`before` values of the links.
    """

    object_list: list
    count: int
    per_page: int
    number: int | None = None
    has_next: bool = False
    has_previous: bool = False
    next_cursor: str = ""
    previous_cursor: str = ""
    is_last: bool = False
    fell_back: bool = False  # a bad cursor or page number: the first page instead

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.per_page))

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def _encode(tag: str, values: list) -> str:
    raw = json.dumps([tag, *values], separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, tag: str) -> list | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, list) or len(data) != 3 or data[0] != tag:
        return None
    return data[1:]


class Keyset:
    """How one ordering of a queryset pages: two fields, the last unique (the id).

    `ordering` is what the queryset is ordered by, e.g. ("name", "id") or
    ("-created_at", "-id"); both must go the same way. `tag` goes into cursors so a
    cursor of another sort is not misread.
    """

    def __init__(self, ordering: tuple[str, str], *, tag: str):
        key, tie = ordering
        if key.startswith("-") != tie.startswith("-"):
            raise ValueError("Both ordering fields must go the same way.")
        self.descending = key.startswith("-")
        self.key, self.tie = key.lstrip("-"), tie.lstrip("-")
        self.ordering = ordering
        self.tag = tag

    def cursor(self, obj) -> str:
        return _encode(self.tag, [getattr(obj, self.key), getattr(obj, self.tie)])

    def _values(self, queryset: QuerySet, cursor: str) -> tuple[Any, Any] | None:
        values = _decode(cursor, self.tag)
        if values is None:
            return None
        meta = queryset.model._meta
        try:
            key = meta.get_field(self.key).to_python(values[0])
            tie = meta.get_field(self.tie).to_python(values[1])
        except (ValidationError, TypeError, ValueError):
            return None
        if key is None or tie is None:
            return None
        return key, tie

    def _beyond(self, key, tie, *, forward: bool) -> Q:
        # Rows after (key, tie) in the direction read: key >= x AND (key > x OR id > y)
        later = forward != self.descending
        ge, gt = ("gte", "gt") if later else ("lte", "lt")
        return Q(**{f"{self.key}__{ge}": key}) & (
            Q(**{f"{self.key}__{gt}": key}) | Q(**{f"{self.tie}__{gt}": tie})
        )

    def page(
        self, queryset: QuerySet, params, *, per_page: int, count: int | None = None
    ) -> KeysetPage:
        """The page `params` (a QueryDict: after, before, page) asks for.

        Two queries whatever the depth: the count, then at most `per_page` + 1 rows.
        `count`: the number of rows when the caller keeps it (a counter column), so
        a long list is not counted on every page; one query then.
        """
        ordered = queryset.order_by(*self.ordering)
        count = ordered.count() if count is None else max(count, 0)
        after, before = params.get("after", ""), params.get("before", "")
        number = params.get("page", "")
        fell_back = False
        if after or before:
            values = self._values(queryset, after or before)
            if values is not None:
                forward = bool(after)
                rows = ordered.filter(self._beyond(*values, forward=forward))
                if not forward:
                    rows = rows.reverse()
                rows = list(rows[: per_page + 1])
                more = len(rows) > per_page
                rows = rows[:per_page]
                if not forward:
                    rows.reverse()
                return self._page(
                    rows,
                    count,
                    per_page,
                    has_next=more if forward else True,
                    has_previous=True if forward else more,
                )
            fell_back = True
        elif number == LAST:
            return self._last(ordered, count, per_page)
        elif number:
            page = self._numbered(ordered, count, per_page, number)
            if page is not None:
                return page
            fell_back = True
        rows = list(ordered[: per_page + 1])
        page = self._page(
            rows[:per_page],
            count,
            per_page,
            number=1,
            has_next=len(rows) > per_page,
            has_previous=False,
        )
        page.fell_back = fell_back
        return page

    def _last(self, ordered: QuerySet, count: int, per_page: int) -> KeysetPage:
        # The reversed query, as cheap as the first page; it holds what is left
        # after the full pages, so it lines up with the pages counted from the start.
        size = count % per_page or per_page
        rows = list(ordered.reverse()[:size])
        rows.reverse()
        page = self._page(
            rows,
            count,
            per_page,
            has_next=False,
            has_previous=count > len(rows),
        )
        page.number = page.num_pages
        page.is_last = True
        return page

    def _numbered(self, ordered, count, per_page, number: str) -> KeysetPage | None:
        # Links from before keyset pagination: still answered, by OFFSET.
        try:
            number = int(number)
        except ValueError:
            return None
        if number < 1:
            return None
        pages = max(1, -(-count // per_page))
        if number >= pages:
            return self._last(ordered, count, per_page)
        start = (number - 1) * per_page
        rows = list(ordered[start : start + per_page])
        return self._page(
            rows,
            count,
            per_page,
            number=number,
            has_next=True,
            has_previous=number > 1,
        )

    def _page(self, rows, count, per_page, *, number=None, has_next, has_previous):
        return KeysetPage(
            object_list=rows,
            count=count,
            per_page=per_page,
            number=number,
            has_next=has_next and bool(rows),
            has_previous=has_previous and bool(rows),
            next_cursor=self.cursor(rows[-1]) if rows and has_next else "",
            previous_cursor=self.cursor(rows[0]) if rows and has_previous else "",
        )
