# A slim image for web, worker and beat; built from requirements.txt alone.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_STATIC_ROOT=/app/staticfiles DJANGO_MEDIA_ROOT=/data/media TRACKER_VAR_DIR=/data/var

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-deps -r requirements.txt

COPY . .
RUN useradd --create-home --uid 1000 tracker \
    && mkdir -p /data/media /data/var /app/staticfiles \
    && DJANGO_DEBUG=1 python manage.py collectstatic --noinput \
    && chown -R tracker:tracker /data /app/staticfiles
USER tracker

EXPOSE 8000
CMD ["gunicorn", "tracker.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
