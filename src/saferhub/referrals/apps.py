from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "saferhub.referrals"
    label = "referrals"
