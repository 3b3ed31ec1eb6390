"""Administration: accounts and roles, and the audit log."""

from flask import Flask

from courses.admin.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
