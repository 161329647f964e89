"""How a signed-in member is loaded on every request.

Django's username-and-password backend, except that `get_user` (called once per request by
the authentication middleware) fetches in ONE query the user, their membership and
organisation, and the two facts the sign-in middleware checks on every page: whether a
partnership of their organisation requires two-factor sign-in, and whether they have a
confirmed authenticator app. Without it every page paid five queries before its own work.

The facts are read fresh from the database on each request (nothing is cached between
requests), so turning two-factor on for a partnership, enrolling an authenticator or
deactivating a membership takes effect on the member's very next page.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_totp.models import TOTPDevice

from saferhub.accounts.models import User
from saferhub.organisations.models import Partnership

# Attribute names the annotations are loaded under (read by accounts.middleware).
REQUIRES_TWO_FACTOR = "loaded_partnership_requires_two_factor"
HAS_TWO_FACTOR_DEVICE = "loaded_has_two_factor_device"


class MemberBackend(ModelBackend):
    """Username and password sign-in; loads the member with what every page checks."""

    def get_user(self, user_id: Any) -> User | None:
        """The active user with this id, their membership and organisation, and the
        two-factor facts, in one query; None if there is no such active user."""
        try:
            user = (
                User._default_manager.select_related("membership__organisation")
                .annotate(
                    **{
                        REQUIRES_TWO_FACTOR: Exists(
                            Partnership.objects.filter(
                                require_two_factor=True,
                                organisations=OuterRef("membership__organisation_id"),
                            )
                        ),
                        HAS_TWO_FACTOR_DEVICE: Exists(
                            TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True)
                        ),
                    }
                )
                .get(pk=user_id)
            )
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
