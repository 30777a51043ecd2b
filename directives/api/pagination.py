"""Cursor pagination: stable under inserts (a sync client never sees a row twice or misses
one), ordered by id; `?page_size=` up to 200."""

from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    ordering = "id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
