import pytest
from django.urls import reverse

from durchstarten.cases.models import Participant
from durchstarten.core.models import Role
from durchstarten.imports.models import BatchStatus
from tests.factories import DistrictFactory, member
from tests.imports.conftest import check, upload


@pytest.fixture
def coordinator_client(client, place):
    client.force_login(place.coordinator)
    return client


def test_it_walks_through_upload_preview_confirm_and_undo(coordinator_client, place):
    client = coordinator_client
    response = client.post(
        reverse("imports:participant_upload"), {"file": upload("teilnehmende_unordentlich.xlsx")}
    )
    assert response.status_code == 302
    detail = response["Location"]
    page = client.get(detail).content.decode()
    assert "Die Kommune „Bielefeld“ gibt es im Kreis nicht." in page
    assert "Mögliche Dubletten" in page
    assert "Mohammed Al-Hassan (Zeile 5 dieser Datei)" in page
    confirm = detail + "uebernehmen/"
    refused = client.post(confirm, {})
    assert "1 Zeilen sind fehlerhaft" in refused.content.decode()
    assert client.post(confirm, {"skip_invalid": "on"}).status_code == 302
    assert Participant.objects.count() == 4
    page = client.get(detail).content.decode()
    assert "Abgelehnte Zeilen herunterladen" in page
    rejected = client.get(detail + "abgelehnte-zeilen/")
    assert rejected["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.post(detail + "rueckgaengig/").status_code == 302
    assert Participant.objects.count() == 0


def test_it_shows_the_progress_to_htmx_while_running_and_asks_for_a_reload_after(
    coordinator_client, place
):
    batch = check(place, "teilnehmende_cp1252.csv")
    url = reverse("imports:batch_detail", args=[batch.public_id])
    assert coordinator_client.get(url, headers={"HX-Request": "true"})["HX-Refresh"] == "true"
    type(batch).objects.filter(pk=batch.pk).update(
        status=BatchStatus.IMPORTING, progress_done=1, progress_total=4
    )
    page = coordinator_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert '<progress id="progress-bar"' in page
    assert 'value="25"' in page


def test_it_lets_the_user_decide_on_duplicates(coordinator_client, place):
    batch = check(place, "teilnehmende_unordentlich.xlsx")
    url = reverse("imports:batch_decide", args=[batch.public_id])
    coordinator_client.post(url, {"row_10": "merge:row:5"})
    row = batch.rows.get(number=10)
    assert (row.decision, row.merge_target) == ("merge", "row:5")


def test_it_remaps_columns_from_the_page(coordinator_client, place):
    batch = check(place, "x.csv", content=b"Rufname;Familie\nAmina;Yusuf\n")
    url = reverse("imports:batch_mapping", args=[batch.public_id])
    assert "Familie" in coordinator_client.get(url).content.decode()
    coordinator_client.post(url, {"column_0": "given_names", "column_1": "family_name"})
    batch.refresh_from_db()
    assert batch.mapping == {"0": "given_names", "1": "family_name"}


def test_it_lists_imports_in_constant_queries(coordinator_client, place, django_assert_num_queries):
    for _ in range(3):
        check(place, "teilnehmende_cp1252.csv")
    url = reverse("imports:batch_list")
    coordinator_client.get(url)
    with django_assert_num_queries(9):
        response = coordinator_client.get(url)
    assert response.content.decode().count("teilnehmende_cp1252.csv") == 3
    check(place, "teilnehmende_cp1252.csv")
    with django_assert_num_queries(9):
        coordinator_client.get(url)


def test_it_shows_a_preview_in_constant_queries(
    coordinator_client, place, django_assert_num_queries
):
    batch = check(place, "teilnehmende_unordentlich.xlsx")
    url = reverse("imports:batch_detail", args=[batch.public_id])
    with django_assert_num_queries(13):
        coordinator_client.get(url)


def test_it_denies_offers_to_case_managers_and_other_districts_batches(client, place):
    client.force_login(place.case_manager)
    assert client.get(reverse("imports:offer_upload")).status_code == 403
    assert client.get(reverse("imports:participant_template")).status_code == 200
    offers = check(place, "angebote.xlsx", kind="offers")
    assert client.get(reverse("imports:batch_detail", args=[offers.public_id])).status_code == 404
    outsider = member(Role.COORDINATOR, DistrictFactory())
    client.force_login(outsider)
    assert client.get(reverse("imports:batch_detail", args=[offers.public_id])).status_code == 404
    client.force_login(member(Role.COACH, provider=place.provider))
    assert client.get(reverse("imports:batch_list")).status_code == 403
