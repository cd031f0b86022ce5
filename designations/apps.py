from django.apps import AppConfig


class DesignationsConfig(AppConfig):
    name = "designations"
