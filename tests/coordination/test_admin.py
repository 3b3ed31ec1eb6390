"""Admins manage accounts and read the audit log; nobody else can."""

from __future__ import annotations

from sqlalchemy import select

from courses.audit.models import AuditEvent
from courses.auth.models import User
from courses.extensions import db


def test_admin_changes_roles_deactivates_and_sends_links(app, client, as_role, make_user):
    admin = as_role("admin")
    target = make_user("target@example.ma", full_name="Cible")
    assert "target@example.ma" in client.get("/admin/users?q=cible").get_data(as_text=True)
    client.post(f"/admin/users/{target.id}/role", data={"role": "coordinator"})
    client.post(f"/admin/users/{target.id}/active", data={"active": "0"})
    client.post(f"/admin/users/{target.id}/reset-link")
    client.post(f"/admin/users/{admin.id}/role", data={"role": "learner"})  # refused: own role
    with app.app_context():
        user = db.session.get(User, target.id)
        assert user.role == "coordinator" and not user.is_active
        assert db.session.get(User, admin.id).role == "admin"
        accounts = select(AuditEvent.action, AuditEvent.actor_id).where(AuditEvent.action.startswith("user."))
        assert db.session.execute(accounts.order_by(AuditEvent.id)).all() == [
            ("user.role", admin.id), ("user.deactivate", admin.id), ("user.reset_link", admin.id),
        ]  # fmt: skip
    page = client.get("/admin/audit?action=user.role").get_data(as_text=True)
    assert "<td>user.role</td>" in page and "<td>user.deactivate</td>" not in page
    export = client.get("/admin/audit.csv?action=user.").get_data(as_text=True)
    assert export.startswith("\ufeff") and export.count("\n") == 4


def test_coordinators_cannot_administer(client, as_role, make_user):
    as_role("coordinator")
    target = make_user("target@example.ma")
    assert client.get("/admin/users").status_code == 403
    assert client.post(f"/admin/users/{target.id}/role", data={"role": "admin"}).status_code == 403
