"""Sign up, log in and out, profile, password change and reset."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import get_locale, refresh
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from courses import hooks
from courses.audit.services import VISITOR, record
from courses.auth import notifications, services, tasks, throttle
from courses.auth.emails import normalise_email
from courses.auth.forms import (
    LoginForm,
    PasswordChangeForm,
    ProfileForm,
    ResetForm,
    ResetRequestForm,
    SignupForm,
)
from courses.auth.throttle import setting
from courses.extensions import db, limiter
from courses.text import isolate
from courses.urls import request_base_url, safe_next_url

bp = Blueprint("auth", __name__)

ERRORS = {
    "weak_password": lambda: _("The password must have at least %(min)d characters.", min=services.MIN_PASSWORD_LENGTH),
    "wrong_password": lambda: _("The current password is not correct."),
    "inactive": lambda: _(
        "This account is deactivated. Contact your session's coordinator or the platform's administrators."
    ),
}


def _profile(form) -> services.Profile:
    """The profile a form gives: a sign-up gives the names only, the rest comes later from the profile page."""

    def value(name: str):
        return form[name].data if name in form else None

    return services.Profile(
        full_name=form.full_name.data or "",
        full_name_ar=form.full_name_ar.data,
        organisation=value("organisation") or "",
        organisation_type=value("organisation_type"),
        region=value("region"),
        job_title=value("job_title") or "",
        preferred_language=value("preferred_language"),
    )


def _start_session(user, remember: bool = False) -> None:
    # A fresh session at login: nothing set before (by anyone) survives into the logged-in session.
    session.clear()
    login_user(user, remember=remember)


def _interface_language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(setting("SIGNUPS_PER_ADDRESS"), methods=["POST"], deduct_when=throttle.mail_requested)
@limiter.limit(
    setting("MAILS_PER_RECIPIENT"), methods=["POST"], key_func=throttle.email_key, deduct_when=throttle.mail_requested
)
def signup():
    """Ask for a learner account: the activation link (or, for a known address, a reminder) is emailed.

    The page says the same whether the address has an account or not, and takes the same time:
    the work happens in a task.
    """
    if current_user.is_authenticated:
        return redirect(url_for("learning.dashboard"))
    form = SignupForm()
    if form.validate_on_submit():
        profile = asdict(_profile(form))
        profile["preferred_language"] = profile["preferred_language"] or _interface_language()
        tasks.signup_requested(form.email.data, profile, _interface_language(), request_base_url())
        throttle.note_mail_requested()
        return render_template("auth/check_mailbox.html", email=form.email.data)
    return render_template("auth/signup.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    setting("LOGIN_FAILURES_PER_ADDRESS"),
    methods=["POST"],
    key_func=throttle.address_key,
    deduct_when=throttle.login_failed,
)
@limiter.limit(
    setting("LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS"),
    methods=["POST"],
    key_func=throttle.account_address_key,
    deduct_when=throttle.login_failed,
)
@limiter.limit(  # guessing one account from many addresses; its owner's known devices are spared
    setting("LOGIN_FAILURES_PER_ACCOUNT"),
    methods=["POST"],
    key_func=throttle.account_key,
    deduct_when=throttle.login_failed,
    exempt_when=throttle.on_known_device,
    error_message=lambda: str(throttle.ACCOUNT_LOCKED),
)
def login():
    """Log in with email and password. Only failed attempts count against the limits (throttle.py)."""
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    try:
        user = services.authenticate(form.email.data, form.password.data)
    except services.AccountError as error:  # the right password for a deactivated account: its owner is told
        _record_login(None, form.email.data)
        db.session.commit()
        form.password.errors.append(ERRORS[error.code]())
        return render_template("auth/login.html", form=form)
    _record_login(user, form.email.data)
    db.session.commit()  # the attempt's one audit row (and, on success, the last login time)
    if user is None:
        form.password.errors.append(_("Email or password incorrect."))
        return render_template("auth/login.html", form=form)
    _start_session(user, remember=form.remember.data)
    response = redirect(safe_next_url(form.next.data, _home(user)))
    return throttle.remember_device(response, user.email)


def _record_login(user, typed_email: str) -> None:
    """One audit row per attempt, with the client's address; a failure keeps the address typed
    (normalised) as its subject, never the password, and names no account (unknown or not)."""
    address = request.remote_addr or ""
    if user is not None:
        record(user, "login.success", "user", user.id, user.email, address=address)
    else:
        record(VISITOR, "login.failure", "user", None, normalise_email(typed_email), address=address)


def _home(user) -> str:
    """Where a login without `next` lands: trainers on their courses (/teaching/), others on their learning."""
    return "teaching.home" if user.role == "trainer" else "learning.dashboard"


@bp.post("/logout")
def logout():
    """Log out (POST only, so a link on another site cannot log anyone out).

    The session epoch advances, so this session and every copy of its cookies (the remember-me
    cookie included) stop working server-side; then the session is cleared *before* Flask-Login's
    logout, whose instruction to delete the remember-me cookie lives in the session.
    """
    if current_user.is_authenticated:
        services.end_sessions(current_user._get_current_object())
        db.session.commit()
    session.clear()
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("catalog.index"))


@bp.route("/account/", methods=["GET", "POST"])
@login_required
def profile():
    """Edit one's own profile."""
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        services.apply_profile(current_user, _profile(form))
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", form=form, **hooks.merged("auth.profile_context", current_user))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit(  # guessing the current password from a session left open
    setting("LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS"),
    methods=["POST"],
    key_func=throttle.signed_in_key,
    deduct_when=throttle.login_failed,
)
def change_password():
    """Change one's password, knowing the current one."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data, form.password.data)
        except services.AccountError as error:
            form.current.errors.append(ERRORS[error.code]())
        else:
            notifications.send_password_changed(current_user, _interface_language())
            db.session.commit()
            _start_session(current_user._get_current_object())
            flash(_("Your password is changed."), "success")
            return redirect(url_for("auth.profile"))
    return render_template("auth/password.html", form=form)


@bp.route("/password/reset", methods=["GET", "POST"])
@limiter.limit(setting("RESET_REQUESTS_PER_ADDRESS"), methods=["POST"], deduct_when=throttle.mail_requested)
@limiter.limit(
    setting("MAILS_PER_RECIPIENT"), methods=["POST"], key_func=throttle.email_key, deduct_when=throttle.mail_requested
)
def reset_request():
    """Ask for a reset link by email. The answer is the same whether the account exists or not."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        tasks.password_reset_requested(form.email.data, _interface_language(), request_base_url())
        throttle.note_mail_requested()
        flash(_("If an account exists for this address, a link to set a new password has been sent."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(setting("INVALID_LINKS_PER_ADDRESS"), deduct_when=throttle.link_was_invalid)
def reset(token: str):
    """Set a password from an emailed link: a reset, an invitation or a sign-up's activation.

    A valid link is never refused (a room of invitees activates from one address); invalid ones count.
    """
    user = services.user_for_reset_token(token, current_app.config["SECRET_KEY"])
    if user is None:
        throttle.mark_invalid_link()
        flash(_("This link is invalid or has expired. Ask for a new one."), "error")
        return redirect(url_for("auth.reset_request"))
    if user.preferred_language:  # unless the visitor chose a language, the link opens in its recipient's
        g.link_language = user.preferred_language
        refresh()
    form = ResetForm()
    if user.password_hash is None:  # an invitation or a sign-up: no password yet, so none is "new"
        form.password.label.text = _("Password")
        form.confirm.label.text = _("Confirm the password")
        form.submit.label.text = _("Activate my account")
    if form.validate_on_submit():
        activating = user.password_hash is None
        services.set_password(user, form.password.data)
        services.record_login(user)  # the link logs the person in
        action = "user.activated" if activating else "user.password_reset"
        record(user, action, "user", user.id, user.email, address=request.remote_addr or "")
        db.session.commit()
        _start_session(user)
        if activating:
            flash(
                _("Welcome, %(name)s. Your account is active.", name=isolate(user.name_in(_interface_language()))),
                "success",
            )
        else:
            notifications.send_password_changed(user, _interface_language())
            db.session.commit()
            flash(_("Your password is set."), "success")
        return redirect(url_for("learning.dashboard"))
    return render_template("auth/reset.html", form=form, activating=user.password_hash is None)
