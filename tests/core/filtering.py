"""Submitting a list's filter form as the page does: POST to list_filter, then the list.

Search terms never go into a list's URL (core.lists); tests of lists use these helpers instead
of ``client.get(url, {"q": ...})``.
"""

from urllib.parse import urlsplit

from django.urls import reverse


def filter_url(client, list_url: str, **fields) -> str:
    """The URL list_filter redirects to for these filters (``<list_url>?f=<token>``)."""
    data = {name: "on" if value is True else value for name, value in fields.items()}
    response = client.post(reverse("list_filter"), {"next": list_url, **data})
    assert response.status_code == 302, response.status_code
    location = response["Location"]
    parts = urlsplit(location)
    assert parts.path == list_url, location
    assert parts.query.startswith("f="), location
    return location


def get_filtered(client, list_url: str, *, headers=None, **fields):
    """The list filtered by ``fields`` (``sort`` included), fetched like the browser does."""
    return client.get(filter_url(client, list_url, **fields), headers=headers or {})
