from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectivesConfig(AppConfig):
    name = "directives"
    verbose_name = _("Theo dõi văn bản chỉ đạo")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from directives import (
            access_log,  # noqa: F401 - connects the sign-in signal receivers
            emails,  # noqa: F401 - registers the sender-domain system check
        )
