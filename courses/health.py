"""`/healthz`: for load balancers and monitors. Checks that the database answers."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from courses.extensions import db, limiter

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """200 with {"status": "ok"} when the database answers, 503 otherwise; and the public address in use."""
    public = current_app.config.get("PUBLIC_BASE_URL") or None
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable", public_base_url=public), 503
    return jsonify(status="ok", database="ok", public_base_url=public)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
