"""Sign-in, two-factor enrolment and password changes. Each writes its audit event."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from saferhub.accounts.models import SignInAttempt, User
from saferhub.accounts.rules import Attempt, LockoutPolicy, locked_until
from saferhub.audit.rules import Operation, Outcome
from saferhub.audit.services import audit_record
from saferhub.core import request_context

BACKUP_CODE_COUNT = 10


def lockout_policy() -> LockoutPolicy:
    """The deployment's sign-in throttling policy."""
    return LockoutPolicy(
        failure_limit=settings.SIGNIN_FAILURE_LIMIT,
        window=timedelta(minutes=settings.SIGNIN_FAILURE_WINDOW_MINUTES),
        lockout=timedelta(minutes=settings.SIGNIN_LOCKOUT_MINUTES),
    )


@dataclass(frozen=True)
class SignInResult:
    """The outcome of a sign-in attempt: a user, or why not."""

    user: User | None
    locked_until: datetime | None = None


def _attempts(**filters: object) -> list[Attempt]:
    since = timezone.now() - lockout_policy().window - lockout_policy().lockout
    rows = SignInAttempt.objects.filter(attempted_at__gte=since, **filters)
    return [Attempt(at=row.attempted_at, succeeded=row.succeeded) for row in rows]


def signin_locked_until(*, username: str, ip_address: str | None) -> datetime | None:
    """When sign-in reopens for this username (or this client address), if it is locked."""
    now = timezone.now()
    policy = lockout_policy()
    by_user = locked_until(_attempts(username__iexact=username), now=now, policy=policy)
    by_ip = (
        locked_until(_attempts(ip_address=ip_address), now=now, policy=policy, limit_factor=4)
        if ip_address
        else None
    )
    candidates = [t for t in (by_user, by_ip) if t is not None]
    return max(candidates) if candidates else None


@transaction.atomic
def signin_attempt(*, request: HttpRequest, username: str, password: str) -> SignInResult:
    """Check a username and password, with throttling; audit the attempt either way.

    Does not start the session: the view does that with the returned user.
    """
    context = request_context.current()
    ip_address = context.ip_address if context else None
    until = signin_locked_until(username=username, ip_address=ip_address)
    if until is not None:
        audit_record(
            actor=None,
            username=username,
            action="signin.locked_out",
            operation=Operation.NONE,
            outcome=Outcome.REFUSED,
            payload={"locked_until": until.isoformat()},
        )
        return SignInResult(user=None, locked_until=until)
    user = authenticate(request, username=username, password=password)
    if not isinstance(user, User) or not _has_active_membership(user):
        user = None
    succeeded = user is not None
    SignInAttempt.objects.create(
        username=username, ip_address=ip_address, attempted_at=timezone.now(), succeeded=succeeded
    )
    if not succeeded:
        audit_record(
            actor=None,
            username=username,
            action="signin.failed",
            operation=Operation.NONE,
            outcome=Outcome.REFUSED,
        )
        return SignInResult(
            user=None,
            locked_until=signin_locked_until(username=username, ip_address=ip_address),
        )
    if user is None:  # pragma: no cover - narrowed above; keeps the type checker certain
        return SignInResult(user=None)
    audit_record(actor=user, action="signin.succeeded", operation=Operation.NONE)
    return SignInResult(user=user)


def _has_active_membership(user: User) -> bool:
    membership = getattr(user, "membership", None)
    return bool(user.is_active and membership is not None and membership.is_active)


def two_factor_device(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if they have enrolled one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def two_factor_enrolment_start(*, actor: User) -> TOTPDevice:
    """A new, unconfirmed authenticator for the user to scan (replaces any unconfirmed one)."""
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    return TOTPDevice.objects.create(user=actor, name="Authenticator app", confirmed=False)


@transaction.atomic
def two_factor_enrolment_confirm(
    *, actor: User, device: TOTPDevice, token: str
) -> list[str] | None:
    """Confirm enrolment with a code from the app; returns new backup codes, or None if the
    code is wrong. Any earlier authenticator and backup codes stop working."""
    if device.user_id != actor.pk or not device.verify_token(token):
        audit_record(
            actor=actor,
            action="two_factor.enrolment_failed",
            operation=Operation.NONE,
            outcome=Outcome.REFUSED,
        )
        return None
    TOTPDevice.objects.filter(user=actor, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_backup_codes(actor)
    audit_record(
        actor=actor,
        action="two_factor.enrolled",
        operation=Operation.ALTERATION,
        target_type="user",
        target_id=actor.pk,
    )
    return codes


def _new_backup_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Backup codes", confirmed=True)
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def two_factor_check(*, actor: User, token: str) -> TOTPDevice | StaticDevice | None:
    """The device that accepts this code (app code or one-use backup code), or None.

    Devices throttle repeated wrong codes themselves.
    """
    token = token.replace(" ", "")
    for device in [
        *TOTPDevice.objects.filter(user=actor, confirmed=True),
        *StaticDevice.objects.filter(user=actor, confirmed=True),
    ]:
        if device.verify_is_allowed()[0] and device.verify_token(token):
            audit_record(actor=actor, action="signin.two_factor_passed", operation=Operation.NONE)
            return device
    audit_record(
        actor=actor,
        action="signin.two_factor_failed",
        operation=Operation.NONE,
        outcome=Outcome.REFUSED,
    )
    return None


@transaction.atomic
def password_change(*, actor: User, new_password: str) -> None:
    """Set the user's own new password (validated by the form) and clear any temporary flag."""
    actor.set_password(new_password)
    actor.must_change_password = False
    actor.save(update_fields=["password", "must_change_password"])
    audit_record(
        actor=actor,
        action="user.password_changed",
        operation=Operation.ALTERATION,
        target_type="user",
        target_id=actor.pk,
    )


def signout_record(*, actor: User) -> None:
    """Audit a sign-out (the view ends the session)."""
    audit_record(actor=actor, action="session.signed_out", operation=Operation.NONE)


def session_expired_record(*, path: str) -> None:
    """Audit a request refused because the session had ended through inactivity."""
    audit_record(
        actor=None,
        action="session.expired",
        operation=Operation.NONE,
        outcome=Outcome.REFUSED,
        payload={"path": path[:200]},
    )
