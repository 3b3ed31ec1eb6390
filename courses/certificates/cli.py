"""`flask certificates revoke|reissue|render`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from courses.certificates import pdf, services
from courses.extensions import db
from courses.urls import require_public_base_url

certificates_cli = AppGroup("certificates", help="Revoke, re-issue and render certificates.")


def _certificate(code: str):
    certificate = services.find(code)
    if certificate is None:
        raise click.ClickException(f"no certificate {code}")
    return certificate


@certificates_cli.command("revoke")
@click.argument("code")
@click.option("--reason", required=True, help="Shown on the verification page.")
def revoke_command(code: str, reason: str) -> None:
    """Revoke a certificate."""
    certificate = _certificate(code)
    try:
        services.revoke(certificate, None, reason)
    except services.CertificateError as error:
        raise click.ClickException(error.code) from error
    db.session.commit()
    click.echo(f"{certificate.code} revoked.")


@certificates_cli.command("reissue")
@click.argument("code")
@click.option("--name", required=True, help="Full name in Latin script.")
@click.option("--name-ar", default=None, help="Full name in Arabic script.")
def reissue_command(code: str, name: str, name_ar: str | None) -> None:
    """Re-issue a certificate with corrected names."""
    certificate = _certificate(code)
    try:
        replacement = services.reissue(certificate, None, name, name_ar)
    except services.CertificateError as error:
        raise click.ClickException(error.code) from error
    db.session.commit()
    click.echo(f"{certificate.code} replaced by {replacement.code}.")


@certificates_cli.command("render")
@click.argument("code")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), required=True)
def render_command(code: str, out: str) -> None:
    """Write a certificate's PDF to a file."""
    require_public_base_url()  # the QR code carries it
    certificate = _certificate(code)
    Path(out).write_bytes(pdf.render(certificate.snapshot, certificate.code, services.verify_url(certificate.code)))
    click.echo(f"Wrote {out}.")
