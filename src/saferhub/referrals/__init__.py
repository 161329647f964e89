"""Referrals between agencies (children's social care, fire and rescue home fire safety
checks, substance misuse services, victim support...) with consent, accept and decline."""
