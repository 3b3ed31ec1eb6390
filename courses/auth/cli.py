"""`flask users create|set-role|demo`: accounts from the command line."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from courses.auth import services
from courses.auth.models import ROLES
from courses.extensions import db

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Full name in Latin script.")
@click.option("--name-ar", default=None, help="Full name in Arabic script.")
@click.option("--role", type=click.Choice(ROLES), default="learner", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_command(email: str, name: str, name_ar: str | None, role: str, password_stdin: bool) -> None:
    """Create an account; the password is prompted for unless --password-stdin is given."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = services.create_user(email, services.Profile(full_name=name, full_name_ar=name_ar), password, role)
    except services.AccountError as error:
        raise click.ClickException(
            {
                "email_taken": f"an account already exists for {email}",
                "email_lookalike": f"another account has an address that reads the same as {email}",
                "invalid_email": f"{email} is not a valid email address",
                "weak_password": f"the password needs at least {services.MIN_PASSWORD_LENGTH} characters",
            }.get(error.code, error.code)
        ) from error
    db.session.commit()
    click.echo(f"Created {user.email} ({user.role}).")


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
def set_role_command(email: str, role: str) -> None:
    """Give an existing account another role."""
    user = services.find_user(email)
    if user is None:
        raise click.ClickException(f"no account for {email}")
    services.set_role(user, role)
    db.session.commit()
    click.echo(f"{user.email} is now {role}.")


@users_cli.command("demo")
def demo_command() -> None:
    """On a database without accounts, create one per role and print the passwords once."""
    created = services.create_demo_accounts()
    db.session.commit()
    if not created:
        click.echo("Accounts already exist; no demo account created.")
        return
    click.echo("Demo accounts (passwords are shown only now):")
    for user, password in created:
        click.echo(f"  {user.role:<12} {user.email:<32} {password}")
