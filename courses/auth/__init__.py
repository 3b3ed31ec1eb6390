"""Users, roles, login, profile and password flows."""

from flask import Flask

from courses.auth.cli import users_cli
from courses.auth.labels import breakdown_bar, organisation_type_name, region_name, role_name
from courses.auth.language import remember_language
from courses.auth.throttle import require_shared_counts
from courses.auth.views import bp
from courses.extensions import login_manager


def init_app(app: Flask) -> None:
    require_shared_counts(app)
    login_manager.init_app(app)
    app.register_blueprint(bp)
    app.before_request(remember_language)
    app.cli.add_command(users_cli)
    for helper in (role_name, region_name, organisation_type_name):
        app.add_template_global(helper)
    app.add_template_filter(breakdown_bar)
