"""Gunicorn's configuration in production: `gunicorn --config curim/gunicorn_config.py`.

Gunicorn writes `Server: gunicorn` on every response and has no setting to leave it out. The
banner tells nobody anything useful except someone matching exploits to servers, so the line is
dropped from the headers gunicorn writes itself. Django's response headers are untouched.
"""

from gunicorn.http import wsgi  # type: ignore[import-untyped]

_gunicorn_default_headers = wsgi.Response.default_headers


def _default_headers_without_server(self: wsgi.Response) -> list[str]:
    lines: list[str] = _gunicorn_default_headers(self)
    return [line for line in lines if not line.lower().startswith("server:")]


# Read in the master before it forks, so every worker answers without the banner.
wsgi.Response.default_headers = _default_headers_without_server
