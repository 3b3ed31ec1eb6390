"""`flask notifications send-due`: the reminders due now, each sent once (cron or a systemd timer)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from courses.agenda import reminders
from courses.extensions import db
from courses.mail import retry_unsent

notifications_cli = AppGroup("notifications", help="Reminders by email.")


@notifications_cli.command("send-due")
def send_due() -> None:
    """Send what is due: the day before an in-person day, module deadlines two days ahead, and nudges
    after a week without activity.

    Safe to run every 15 minutes: what was sent is recorded and never sent again. Messages that
    could not be delivered before are retried.
    """
    sent = reminders.send_due()
    db.session.commit()  # the records and the queued messages together; delivery follows the commit
    retry_unsent()
    click.echo(f"day before: {sent.day_before}, deadlines: {sent.deadlines}, nudges: {sent.nudges}")
