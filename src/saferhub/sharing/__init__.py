"""Explicit sharing of one organisation's record with another: who, what, why, until when."""
