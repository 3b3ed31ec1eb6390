"""WSGI entry point: `gunicorn wsgi:app`."""

from courses import create_app

app = create_app()
