from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint, **values):
    """An absolute link for emails and feeds, built from BASE_URL, never the request's Host."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)
