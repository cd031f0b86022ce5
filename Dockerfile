# One image for every process of the tracker: gunicorn (web), Celery worker and beat, and the one-off
# migrate service (see docker-compose.yml). Runs as an unprivileged user.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    DJANGO_MEDIA_ROOT=/app/media
WORKDIR /app

# Dependencies first: this layer is rebuilt only when the requirements change.
COPY requirements/ requirements/
RUN pip install -r requirements/base.txt

COPY . .
# Static files are collected once, at build time: hashed and compressed, served by WhiteNoise.
# The key only lets settings load; it signs nothing.
RUN DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input \
    && useradd --system --create-home --uid 10001 tracker \
    && mkdir -p /app/media /var/lib/celery \
    && chown tracker /app/media /var/lib/celery

USER tracker
EXPOSE 8000
CMD ["gunicorn", "tracker.wsgi", "--bind", "0.0.0.0:8000"]
