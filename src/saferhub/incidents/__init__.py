"""Incidents recorded by any agency, and the people involved in them."""
