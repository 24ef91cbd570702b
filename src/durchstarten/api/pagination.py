from rest_framework.pagination import CursorPagination


class CursorPage(CursorPagination):
    """Opaque cursors: stable under inserts and as fast on page 1,000 as on page 1."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-created_at"
