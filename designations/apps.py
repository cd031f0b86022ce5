from django.apps import AppConfig


class DesignationsConfig(AppConfig):
    name = "designations"

    def ready(self) -> None:
        from tracker.response_cache import connect_signals

        connect_signals()
