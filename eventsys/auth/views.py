"""Accounts: sign up, log in/out, profile, password change and reset."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from eventsys.access import current_actor, login_required, public
from eventsys.auth import services, signup as signups
from eventsys.auth.forms import (ChangePasswordForm, LoginForm, LogoutForm, ProfileForm,
                                 ResendVerificationForm, ResetPasswordForm, ResetRequestForm, SignupForm,
                                 apply_domain_error)
from eventsys.errors import ValidationError
from eventsys.extensions import limiter, login_manager
from eventsys.forms import form_status

bp = Blueprint("auth", __name__, url_prefix="/auth")


@login_manager.user_loader
def load_user(user_id: str):
    return services.load_user_from_cookie(user_id)


login_manager.login_view = "auth.login"
login_manager.login_message = None


def _safe_next(default: str) -> str:
    target = request.args.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc and "\\" not in target:
        return target
    return default


def _rate(name: str):
    return lambda: current_app.config[name]


def _submitted_address() -> str:
    """The per-account log-in limit's key: the submitted address, normalised the same way
    whether or not an account has it (so a 429 reveals nothing)."""
    return "login-account:" + (request.form.get("email") or "").strip().lower()[:254]


def _failed_login(response) -> bool:
    return response.status_code != 302


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(_rate("RATELIMIT_SIGNUP"), methods=["POST"])
@public
def signup():
    form = SignupForm().fill_choices()
    if form.validate_on_submit():
        try:
            signups.sign_up(form.email.data, form.password.data, form.name.data, next_path=_safe_next(""),
                            organisation=form.organisation.data, country=form.country.data,
                            timezone=form.timezone.data, locale=form.locale.data,
                            stakeholder_category=form.stakeholder_category.data)
        except ValidationError as error:
            apply_domain_error(form, error)
        else:
            # The same page whether or not the address already had an account.
            return render_template("auth/check_inbox.html", email=form.email.data.strip())
    return render_template("auth/signup.html", form=form), form_status(form)


@bp.route("/verify/<token>")
@public
def verify_email(token: str):
    try:
        user, newly = signups.confirm_email(token)
    except ValidationError as error:
        flash(str(error.message), "danger")
        return redirect(url_for("auth.login"))
    if not newly:
        flash(_("Your email address is already confirmed."), "info")
        return redirect(url_for("main.index"))
    login_user(user)
    flash(_("Thank you, %(name)s. Your email address is confirmed.", name=user.name), "success")
    return redirect(_safe_next(url_for("main.index")))  # back to where the person was going


@bp.route("/verify/resend", methods=["POST"])
@limiter.limit(_rate("RATELIMIT_RESET"))
@login_required
def resend_verification():
    if ResendVerificationForm().validate_on_submit():
        if signups.send_verification(current_actor()):
            flash(_("We have sent a new confirmation link to %(email)s.", email=current_user.email), "info")
    return redirect(_safe_next(url_for("main.index")))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_rate("RATELIMIT_LOGIN"), methods=["POST"])
@limiter.limit(_rate("RATELIMIT_LOGIN_ACCOUNT"), methods=["POST"], key_func=_submitted_address,
               deduct_when=_failed_login)
@public
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except ValidationError as error:
            apply_domain_error(form, error)
        else:
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(url_for("main.index")))
    return render_template("auth/login.html", form=form), form_status(form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    form = LogoutForm()
    if form.validate_on_submit():
        services.end_sessions(current_actor())
        logout_user()
        flash(_("You are logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    user = current_actor()
    form = ProfileForm(obj=user).fill_choices()
    if form.validate_on_submit():
        try:
            services.update_profile(user, user, {k: getattr(form, k).data for k in services.PROFILE_FIELDS})
        except ValidationError as error:
            apply_domain_error(form, error)
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", form=form), form_status(form)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    user = current_actor()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(user, form.current_password.data, form.new_password.data)
        except ValidationError as error:
            apply_domain_error(form, error)
        else:
            login_user(user)  # this session carries on with the new session token
            flash(_("Your password is changed. Other sessions have been logged out."), "success")
            return redirect(url_for("auth.profile"))
    return render_template("auth/change_password.html", form=form), form_status(form)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_rate("RATELIMIT_RESET"), methods=["POST"])
@public
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash(_("If an account exists for that address, we have sent it a link to reset the "
                "password. The link works for one hour."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form), form_status(form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_rate("RATELIMIT_RESET"), methods=["POST"])
@public
def reset_password(token: str):
    try:
        services.user_for_reset_token(token)
    except ValidationError as error:
        flash(str(error.message), "danger")
        return redirect(url_for("auth.reset_request"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except ValidationError as error:
            apply_domain_error(form, error)
        else:
            flash(_("Your password is set and your email address is confirmed. Please log in."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form), form_status(form)
