from django.apps import AppConfig


class AlliesConfig(AppConfig):
    """Allied (UK, EU, Canada, Australia) human-rights and anti-corruption designations."""

    name = "allies"
