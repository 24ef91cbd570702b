from django.test import override_settings

from durchstarten.core.models import Role
from tests.factories import member


def test_it_answers_missing_pages_in_german_with_navigation(client, district):
    user = member(Role.CASE_MANAGER, district)
    client.force_login(user)
    response = client.get("/faelle/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Seite nicht gefunden" in body
    assert 'lang="de"' in body
    assert "Hauptnavigation" in body


def test_it_answers_forbidden_actions_in_german(client, district):
    user = member(Role.STATE_ANALYST)
    client.force_login(user)
    response = client.get("/faelle/")
    assert response.status_code == 403
    assert "Keine Berechtigung" in response.content.decode()


@override_settings(DEBUG=False)
def test_it_renders_the_server_error_page_without_context(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Ein Fehler ist aufgetreten" in response.content.decode()
