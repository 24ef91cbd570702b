import datetime as dt
import re
from decimal import Decimal

import pytest
from django import forms
from django.core.paginator import Paginator
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from durchstarten.core.middleware import SESSION_KEY
from durchstarten.core.models import Role
from durchstarten.organisation.models import Module
from tests.factories import (
    PASSWORD,
    DistrictFactory,
    MembershipFactory,
    MunicipalityFactory,
    PositionFactory,
    ProviderAssignmentFactory,
    ProviderFactory,
    UserFactory,
)

HOME = "/"


def _since_last_month() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=30)


def _assignment(provider, module=Module.COACHING, municipalities=()):
    return ProviderAssignmentFactory(
        provider=provider,
        module=module,
        municipalities=list(municipalities),
        valid_from=_since_last_month(),
        valid_until=None,
    )


def _text(response) -> str:
    return response.content.decode()


# Login and logout


def test_it_renders_the_login_page(client, db):
    response = client.get(reverse("login"))
    body = _text(response)
    assert response.status_code == 200
    assert '<html lang="de">' in body
    assert '<label class="kern-label" for="id_username">' in body
    assert 'autocomplete="username"' in body
    assert 'autocomplete="current-password"' in body
    assert 'href="#main"' in body
    assert "autofocus" not in body


def test_it_logs_in(client, coordinator):
    response = client.post(
        reverse("login"), {"username": coordinator.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(HOME).status_code == 200


def test_it_says_in_german_that_the_password_is_wrong(client, coordinator):
    response = client.post(
        reverse("login"), {"username": coordinator.username, "password": "falsch"}
    )
    assert response.status_code == 200
    assert "Benutzername oder Passwort ist falsch" in _text(response)
    assert 'role="alert"' in _text(response)


def test_it_redirects_anonymous_users_to_the_login(client, db):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next=/"


def test_it_logs_out_via_post(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert client.get(HOME).status_code == 302


def test_it_refuses_logout_via_get(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("logout")).status_code == 405
    assert client.get(HOME).status_code == 200


# The page frame


def test_it_shows_name_logout_and_navigation(client, coordinator):
    client.force_login(coordinator)
    body = _text(client.get(HOME))
    assert coordinator.get_full_name() in body
    assert f'action="{reverse("logout")}"' in body
    assert 'aria-label="Hauptnavigation"' in body
    assert re.search(rf'href="{reverse("home")}"\s+aria-current="page"', body)
    assert f'href="{reverse("organisation:position_list")}"' in body


def test_it_marks_only_the_current_page_in_the_navigation(client, coordinator):
    client.force_login(coordinator)
    assert _text(client.get(HOME)).count('aria-current="page"') == 1


def test_it_hides_navigation_entries_of_other_roles(client, case_manager):
    client.force_login(case_manager)
    body = _text(client.get(HOME))
    assert f'href="{reverse("organisation:position_list")}"' not in body
    assert f'href="{reverse("organisation:district_list")}"' not in body


def test_it_offers_the_language_switch(client, coordinator):
    client.force_login(coordinator)
    body = _text(client.get(HOME))
    assert f'action="{reverse("set_language")}"' in body
    assert 'lang="en"' in body


def test_it_renders_messages_as_kern_alerts(client, coordinator):
    client.force_login(coordinator)
    client.post(reverse("switch_membership"), {"membership": "0", "next": HOME})
    body = _text(client.get(HOME))
    assert 'class="kern-alert kern-alert--danger"' in body
    assert 'role="alert"' in body


# Start pages per role


def test_it_shows_the_district_overview_to_coordinators(client, coordinator, district, provider):
    harsewinkel = MunicipalityFactory(district=district, name="Harsewinkel")
    MunicipalityFactory(district=district, name="Verl")
    _assignment(provider, Module.COACHING, [harsewinkel])
    PositionFactory(
        district=district,
        module=Module.CASE_MANAGEMENT,
        fte=Decimal("2.50"),
        valid_from=_since_last_month(),
    )
    client.force_login(coordinator)
    response = client.get(HOME)
    body = _text(response)
    assert response.templates[0].name == "core/home_coordinator.html"
    assert "Kreis Gütersloh" in body
    assert "asH Gütersloh gGmbH: 1 Kommune" in body
    assert "1 von 2" in body
    assert "2,50 VZÄ" in body
    assert "250 Teilnehmende" in body
    assert "Kein Träger zuständig" in body


def test_it_shows_no_other_districts_data_to_coordinators(client, coordinator, other_district):
    _assignment(ProviderFactory(district=other_district, name="Träger aus Herford"))
    client.force_login(coordinator)
    assert "Träger aus Herford" not in _text(client.get(HOME))


def test_it_shows_my_tasks_to_case_managers(client, case_manager, provider, municipality):
    _assignment(provider, Module.COACHING, [municipality])
    client.force_login(case_manager)
    response = client.get(HOME)
    body = _text(response)
    assert response.templates[0].name == "core/home_case_work.html"
    assert "Meine Aufgaben" in body
    assert "Keine offenen Wiedervorlagen." in body
    assert "asH Gütersloh gGmbH" in body
    assert "Harsewinkel" in body


def test_it_shows_coaches_only_their_providers_responsibilities(
    client, coach, provider, other_provider, municipality
):
    _assignment(provider, Module.COACHING, [municipality])
    _assignment(other_provider, Module.PREPARATION, [municipality])
    client.force_login(coach)
    body = _text(client.get(HOME))
    assert "Meine Aufgaben" in body
    assert "1 – Coaching" in body
    assert "Caritasverband" not in body


def test_it_shows_provider_staff_their_providers_responsibilities(
    client, provider_staff, provider, other_provider, municipality
):
    _assignment(provider, Module.PREPARATION, [municipality])
    _assignment(other_provider, Module.COACHING, [municipality])
    client.force_login(provider_staff)
    response = client.get(HOME)
    body = _text(response)
    assert response.templates[0].name == "core/home_provider.html"
    assert "asH Gütersloh gGmbH" in body
    assert "4 – Vorbereitungskurse und Jugendintegrationskurse" in body
    assert "Caritasverband" not in body


@pytest.mark.parametrize("role", [Role.STATE_ANALYST, Role.ADMIN])
def test_it_shows_the_districts_to_statewide_roles(client, role, district):
    DistrictFactory(name="Bielefeld", kind="kreisfreie_stadt", ags="05711000", is_demo=False)
    user = MembershipFactory(role=role, district=None).user
    client.force_login(user)
    response = client.get(HOME)
    body = _text(response)
    assert response.templates[0].name == "core/home_statewide.html"
    assert "Kreis Gütersloh" in body
    assert "Kreisfreie Stadt" in body
    assert "05711000" in body
    assert body.count("Demo-Datensatz") == 1


def test_it_tells_users_without_a_role_whom_to_ask(client, db):
    user = UserFactory()
    client.force_login(user)
    response = client.get(HOME)
    assert response.templates[0].name == "core/home_no_role.html"
    assert "noch keine Rolle zugewiesen" in _text(response)


# Switching membership


@pytest.fixture
def two_roles(coordinator, other_district):
    """The coordinator also works as a case manager in another district."""
    MembershipFactory(user=coordinator, role=Role.CASE_MANAGER, district=other_district)
    return coordinator


def test_it_offers_the_switcher_only_with_several_memberships(client, coordinator, other_district):
    client.force_login(coordinator)
    assert 'name="membership"' not in _text(client.get(HOME))
    MembershipFactory(user=coordinator, role=Role.CASE_MANAGER, district=other_district)
    body = _text(client.get(HOME))
    assert '<label class="kern-label" for="ds-membership">' in body
    assert "Kreis Herford · Teilhabemanagement" in body
    assert "Wechseln" in body


def test_it_switches_the_active_membership(client, two_roles, other_district):
    target = two_roles.memberships.get(district=other_district)
    client.force_login(two_roles)
    response = client.post(
        reverse("switch_membership"), {"membership": str(target.pk), "next": HOME}
    )
    assert response.status_code == 302
    assert response.url == HOME
    assert client.session[SESSION_KEY] == target.pk
    body = _text(client.get(HOME))
    assert "Meine Aufgaben" in body
    assert "Sie arbeiten jetzt in der Rolle „Teilhabemanagement“ für Kreis Herford." in body


def test_it_refuses_a_membership_of_another_user(client, two_roles, outsider):
    client.force_login(two_roles)
    before = client.session.get(SESSION_KEY)
    foreign = outsider.memberships.get()
    response = client.post(
        reverse("switch_membership"), {"membership": str(foreign.pk), "next": HOME}
    )
    assert response.status_code == 302
    assert client.session.get(SESSION_KEY) == before
    body = _text(client.get(HOME))
    assert "Diese Rolle steht Ihnen nicht zur Verfügung." in body
    assert "Kreis Herford" not in body.split("<main", 1)[1].split("Diese Rolle", 1)[0]


def test_it_ignores_a_foreign_next_url(client, two_roles, other_district):
    target = two_roles.memberships.get(district=other_district)
    client.force_login(two_roles)
    response = client.post(
        reverse("switch_membership"),
        {"membership": str(target.pk), "next": "https://example.org/"},
    )
    assert response.url == reverse("home")


def test_it_switches_only_via_post(client, two_roles):
    client.force_login(two_roles)
    assert client.get(reverse("switch_membership")).status_code == 405


# Query counts


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["coordinator", "case_manager", "coach", "provider_staff"])
def test_it_reads_district_start_pages_in_constant_queries(
    client, request, role, district, provider, django_assert_num_queries
):
    user = request.getfixturevalue(role)
    towns = [MunicipalityFactory(district=district) for _ in range(3)]
    _assignment(provider, Module.COACHING, towns[:1])
    client.force_login(user)
    client.get(HOME)
    one = _queries(client, HOME)
    for module in [Module.IN_WORK, Module.SCHOOL_CERTIFICATE, Module.PREPARATION]:
        _assignment(provider, module, towns)
    _assignment(ProviderFactory(district=district), Module.CASE_MANAGEMENT, towns[1:])
    with django_assert_num_queries(one):
        response = client.get(HOME)
    assert response.status_code == 200


def test_it_reads_the_statewide_start_page_in_constant_queries(
    client, state_analyst, django_assert_num_queries
):
    DistrictFactory()
    client.force_login(state_analyst)
    client.get(HOME)
    one = _queries(client, HOME)
    DistrictFactory.create_batch(4)
    with django_assert_num_queries(one):
        client.get(HOME)


# Shared includes


class _SampleForm(forms.Form):
    name = forms.CharField(label="Name", help_text="Wie im Handelsregister")
    kind = forms.ChoiceField(label="Art", choices=[("a", "Kreis"), ("b", "Stadt")])
    channel = forms.ChoiceField(
        label="Kanal", choices=[("x", "Telefon"), ("y", "Brief")], widget=forms.RadioSelect
    )
    active = forms.BooleanField(label="aktiv", required=False)


def test_it_renders_form_fields_in_kern_markup(rf):
    form = _SampleForm(data={"kind": "a", "channel": "x"})
    request = rf.post("/")
    body = render_to_string(
        "includes/form.html", {"form": form, "submit_label": "Sichern"}, request=request
    )
    assert '<label class="kern-label" for="id_name">' in body
    assert 'class="kern-form-input__input kern-form-input__input--error"' in body
    assert 'aria-describedby="id_name_helptext id_name_error"' in body
    assert 'id="id_name_error"' in body
    assert 'href="#id_name"' in body
    assert 'class="kern-form-input__select"' in body
    assert '<legend class="kern-label">' in body
    assert 'class="kern-form-check__radio"' in body
    assert "checked" in body
    assert 'class="kern-form-check__checkbox"' in body
    assert "– optional" in body
    assert "Sichern" in body


def test_it_paginates_keeping_the_other_query_parameters(rf):
    request = rf.get("/liste/", {"q": "Caritas", "page": "2"})
    page = Paginator(list(range(45)), 20).page(2)
    body = render_to_string("includes/pagination.html", {"page_obj": page}, request=request)
    assert "Einträge 21–40 von 45" in body
    assert "Seite 2 von 3" in body
    assert 'href="?q=Caritas&amp;page=3"' in body
    assert 'href="?q=Caritas&amp;page=1"' in body
