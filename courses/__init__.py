"""Tadbir: continuing education in local governance for journalists and local officials."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from courses import (
    admin,
    agenda,
    auth,
    backup,
    catalog,
    certificates,
    coordination,
    edge,
    errors,
    health,
    hooks,
    i18n,
    learning,
    logs,
    practice,
    security,
    tasks,
    teaching,
)
from courses.config import Defaults, ensure_secret_key, load_environment
from courses.extensions import csrf, db, limiter, migrate
from courses.text import bdi, isolate
from courses.urls import list_url, login_return_path


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: configuration, extensions, features, then the CLI."""
    app = Flask(__name__, instance_relative_config=True)
    configure(app, test_config)
    register_extensions(app)
    register_features(app)
    return app


def configure(app: Flask, test_config: dict | None) -> None:
    app.config.from_object(Defaults)
    os.makedirs(app.instance_path, exist_ok=True)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        load_environment(app.config)
    else:
        app.config.from_mapping(test_config)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(Path(app.instance_path) / "tadbir.sqlite")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = ensure_secret_key(Path(app.instance_path))
    app.config["CONTENT_DIR"] = str(Path(app.config["CONTENT_DIR"]).resolve())
    if app.config.get("PREFERRED_URL_SCHEME") == "https":
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    if app.config["PROXY_FIX_X_FOR"] or app.config["PROXY_FIX_X_PROTO"]:
        # Client address and scheme from the reverse proxy: rate limits and HTTPS cookies need them.
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=int(app.config["PROXY_FIX_X_FOR"]), x_proto=int(app.config["PROXY_FIX_X_PROTO"])
        )


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    edge.init_app(app)  # first: no other check sees a control character
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    tasks.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    logs.init_app(app)


def register_features(app: Flask) -> None:
    app.add_template_global(list_url)
    app.add_template_global(login_return_path)
    app.add_template_filter(bdi)  # user text inside a translated sentence (HTML)
    app.add_template_filter(isolate)  # the same inside an attribute, where no element can go
    hooks.init_app(app)  # before the features that register in it
    health.init_app(app)
    auth.init_app(app)
    catalog.init_app(app)
    learning.init_app(app)
    certificates.init_app(app)
    coordination.init_app(app)
    agenda.init_app(app)
    practice.init_app(app)
    teaching.init_app(app)
    admin.init_app(app)
    backup.init_app(app)
