import pytest


@pytest.fixture(autouse=True)
def _seed_settings(settings):
    # The demo seed refuses to run without DEBUG (tests run with DEBUG off).
    settings.DEBUG = True
