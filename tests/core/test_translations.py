"""The message catalogues are complete and the committed .mo files match the .po files."""

import gettext
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parents[2] / "src" / "durchstarten" / "locale"


def _catalogue(language):
    with (LOCALE_DIR / language / "LC_MESSAGES" / "django.po").open("rb") as handle:
        return read_po(handle, locale=language)


@pytest.mark.parametrize("language", ["de", "en"])
def test_it_has_every_message_translated(language):
    catalogue = _catalogue(language)
    missing = [
        message.id
        for message in catalogue
        if message.id
        and (
            message.fuzzy
            or not (all(message.string) if isinstance(message.string, tuple) else message.string)
        )
    ]
    assert not missing, f"untranslated or fuzzy in {language}: {missing[:20]}"


@pytest.mark.parametrize("language", ["de", "en"])
def test_it_ships_a_compiled_catalogue_matching_the_source(language):
    compiled = LOCALE_DIR / language / "LC_MESSAGES" / "django.mo"
    with compiled.open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    stale = []
    for message in _catalogue(language):
        if not message.id or isinstance(message.id, tuple):
            continue
        msgid = f"{message.context}\x04{message.id}" if message.context else message.id
        if translations._catalog.get(msgid) != message.string:
            stale.append(message.id)
    assert not stale, f"run `make messages`; stale in {language}.mo: {stale[:20]}"


def test_it_speaks_english_as_second_language(client):
    response = client.get("/anmelden/", headers={"accept-language": "en"})
    assert response.status_code == 200
    assert '<html lang="en"' in response.content.decode()
