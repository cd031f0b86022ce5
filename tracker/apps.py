from django.apps import AppConfig


class TrackerConfig(AppConfig):
    """The project's own app: no models of its own, only the deployment's system checks."""

    name = "tracker"
    verbose_name = "Tracker"

    def ready(self) -> None:
        from tracker import checks  # noqa: F401 (registers the checks)
