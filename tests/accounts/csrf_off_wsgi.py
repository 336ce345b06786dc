"""The development app without CSRF, for tests that post forms from another process."""

from crm import create_app

app = create_app("development")
app.config["WTF_CSRF_ENABLED"] = False
