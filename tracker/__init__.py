"""The project itself, the bottom layer: settings (read from the environment, ``tracker/env.py``), URL routes,
the Celery app, health checks, logging, security middleware, and what every app shares without knowing any of
them: the API's parameter checks, throttles and errors (``tracker/api.py``), CSV output, the data's version and
the response caches. It imports no app; the apps register with it.
"""

from tracker.celery import app as celery_app

__all__ = ("celery_app",)
