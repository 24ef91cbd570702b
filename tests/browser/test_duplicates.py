"""Duplicates in the browser: a case manager checks the district, compares the proposed pair
side by side, merges it, and dismisses another pair as different people; with axe audits."""

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from durchstarten.cases.models import DuplicateDismissal, Participant, ParticipantMerge
from durchstarten.cases.services import participants as participant_services
from durchstarten.core.models import User
from durchstarten.organisation.models import District
from tests.browser.helpers import audit_accessibility, log_in

pytestmark = pytest.mark.browser


def _create(actor, district, given, family, born):
    return participant_services.participant_create(
        actor=actor, district=district, given_names=given, family_name=family, date_of_birth=born
    )


def test_it_merges_a_proposed_pair_and_dismisses_another(page: Page, demo):
    district = District.objects.get(name__contains="Gütersloh")
    case_manager = User.objects.get(username="teilhabe")
    kept = _create(case_manager, district, "Mohammed", "Rasuli", dt.date(2004, 5, 3))
    absorbed = _create(case_manager, district, "Muhammad", "Rasouli", dt.date(2004, 1, 1))
    _create(case_manager, district, "Zainab", "Warsame", None)
    _create(case_manager, district, "Seinab", "Warsami", None)
    main = page.get_by_role("main")

    log_in(page, "teilhabe")
    page.goto(reverse("cases:duplicate_list"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mögliche Dubletten")
    page.get_by_role("button", name="Jetzt prüfen").click()
    expect(page.get_by_text("2 mögliche Dubletten gefunden")).to_be_visible()
    expect(
        main.get_by_text("gleiches Geburtsjahr, Geburtsdatum 01.01. (Platzhalter)")
    ).to_be_visible()
    audit_accessibility(page)

    # The Rasuli pair ranks first (a birth year in common): compare and merge it.
    main.get_by_role("link", name="zusammenführen").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Datensätze zusammenführen")
    expect(main.get_by_role("table")).to_contain_text("Rasouli")
    audit_accessibility(page)
    keep_label = "Datensatz A behalten" if kept.pk < absorbed.pk else "Datensatz B behalten"
    page.get_by_label(keep_label).check()
    page.get_by_role("button", name="Ja, zusammenführen").click()
    expect(page.get_by_text("Die beiden Datensätze wurden zusammengeführt.")).to_be_visible()
    expect(page).to_have_url(reverse("cases:participant_detail", args=[kept.public_id]))
    assert not Participant.objects.filter(pk=absorbed.pk).exists()
    assert ParticipantMerge.objects.get(absorbed_public_id=absorbed.public_id).kept_id == kept.pk

    # The Warsame pair: two different people.
    page.goto(reverse("cases:duplicate_list"))
    expect(main.get_by_role("link", name="zusammenführen")).to_have_count(1)
    main.get_by_role("button", name="keine Dublette").click()
    expect(
        page.get_by_text("Das Paar wird nicht mehr als mögliche Dublette vorgeschlagen.")
    ).to_be_visible()
    expect(main.get_by_role("link", name="zusammenführen")).to_have_count(0)
    assert DuplicateDismissal.objects.count() == 1
    audit_accessibility(page)
