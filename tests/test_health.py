"""The health check answers for monitors and load balancers."""

from courses.extensions import db


def test_healthz_ok(client):
    response = client.get("/healthz")
    expected = {"status": "ok", "database": "ok", "public_base_url": None}
    assert response.status_code == 200 and response.get_json() == expected


def test_healthz_shows_the_configured_public_address(app, client):
    app.config["PUBLIC_BASE_URL"] = "https://tadbir.example.ma"
    assert client.get("/healthz").get_json()["public_base_url"] == "https://tadbir.example.ma"


def test_commands_that_build_links_refuse_without_a_public_address(app, runner, tmp_path):
    app.testing = False  # production: no placeholder address
    result = runner.invoke(args=["certificates", "render", "TDB-2345-6789-ABCD", "--out", str(tmp_path / "c.pdf")])
    assert result.exit_code == 1 and "PUBLIC_BASE_URL" in result.output


def test_healthz_reports_a_broken_database(app, client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("down"))

    with app.app_context():
        monkeypatch.setattr(db.session, "execute", broken)
        response = client.get("/healthz")
    assert response.status_code == 503 and response.get_json()["database"] == "unreachable"
