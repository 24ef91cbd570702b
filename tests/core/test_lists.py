"""core.lists: the capped count and the paginator every list uses."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from durchstarten.core import lists
from durchstarten.organisation.models import District
from tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db


def _page(number=1):
    request = RequestFactory().get("/", {"page": number})
    return request, lists.paginate(request, District.objects.order_by("pk"))


def test_it_counts_exactly_up_to_the_cap(monkeypatch):
    monkeypatch.setattr(lists, "COUNT_CAP", 5)
    DistrictFactory.create_batch(5)
    assert lists.capped_count(District.objects.all()) == (5, False)
    DistrictFactory()
    assert lists.capped_count(District.objects.all()) == (5, True)


def test_it_counts_in_one_limited_query(django_assert_num_queries, monkeypatch):
    monkeypatch.setattr(lists, "COUNT_CAP", 3)
    DistrictFactory.create_batch(4)
    with django_assert_num_queries(1) as captured:
        lists.capped_count(District.objects.order_by("name"))
    assert "LIMIT 4" in captured.captured_queries[0]["sql"]


def test_it_says_more_than_the_cap_in_the_shared_templates(monkeypatch):
    monkeypatch.setattr(lists, "COUNT_CAP", 30)
    DistrictFactory.create_batch(31)
    request, page = _page()
    assert (page.paginator.count, page.paginator.count_capped) == (30, True)
    counted = render_to_string("includes/result_count.html", {"page_obj": page})
    assert "Mehr als 30 Einträge gefunden, angezeigt werden 1 bis 25." in counted
    navigation = render_to_string("includes/pagination.html", {"page_obj": page}, request)
    assert "Einträge 1–25 von mehr als 30" in navigation


def test_it_keeps_exact_counts_below_the_cap():
    DistrictFactory.create_batch(27)
    _request, page = _page(2)
    assert (page.paginator.count, page.paginator.count_capped) == (27, False)
    assert len(page.object_list) == 2
    counted = render_to_string("includes/result_count.html", {"page_obj": page})
    assert "27 Einträge gefunden, angezeigt werden 26 bis 27." in counted
    assert "Mehr als" not in counted


def test_it_groups_thousands_in_german():
    assert lists.count_label(10_000) == "10.000"
