from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealsConfig(AppConfig):
    name = "deals"
    verbose_name = _("Deals")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dealtracker import db_loaders

        from . import history  # noqa: F401 - connects history_note's signal receiver
        from .cache import connect_invalidation

        connect_invalidation()
        db_loaders.connect()
