"""The WSGI entry point: `gunicorn wsgi:app`. Production needs SECRET_KEY and DATABASE_URL."""

from portal import create_app

app = create_app()
