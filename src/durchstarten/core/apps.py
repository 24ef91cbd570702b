from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "durchstarten.core"
    label = "core"
    verbose_name = _("Benutzer und Zugriff")

    def ready(self) -> None:
        from durchstarten.core import signals  # noqa: F401  (connects the audit receivers)
