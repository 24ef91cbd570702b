from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "durchstarten.accounts"
    label = "accounts"
    verbose_name = _("Konto und Anmeldung")

    def ready(self) -> None:
        from durchstarten.accounts import checks, signals  # noqa: F401  (registers them)
