"""Users, sign-in with throttling and lockout, two-factor authentication and sessions."""
