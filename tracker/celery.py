"""The Celery application. Workers: ``celery -A tracker worker``; schedule: ``celery -A tracker beat``."""

import os

from celery import Celery
from celery.signals import setup_logging, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _configure_logging(*args, **kwargs):
    """Let Django's LOGGING setting drive worker logging too (LOG_FORMAT=json included)."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


# Every record a task logs (its own, Celery's "succeeded" or "raised unexpected" lines, the import
# run's) carries the task's name and id, in the JSON logs and the plain ones alike.
_TASK_CONTEXT = {}


@task_prerun.connect
def _bind_task(task_id=None, task=None, **kwargs):
    from tracker.logs import bind

    _TASK_CONTEXT[task_id] = bind(task_id=task_id, task_name=getattr(task, "name", None))


@task_postrun.connect
def _unbind_task(task_id=None, **kwargs):
    from tracker.logs import unbind

    token = _TASK_CONTEXT.pop(task_id, None)
    if token is not None:
        try:
            unbind(token)
        except ValueError:  # bound in another context (a thread pool): it ends with that context
            pass
