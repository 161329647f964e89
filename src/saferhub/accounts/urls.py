from django.urls import path

from saferhub.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in", views.sign_in, name="sign-in"),
    path("sign-out", views.sign_out, name="sign-out"),
    path("two-factor", views.two_factor, name="two-factor"),
    path("two-factor/set-up", views.two_factor_setup, name="two-factor-setup"),
    path("two-factor/backup-codes", views.backup_codes, name="backup-codes"),
    path("password", views.password_change, name="password-change"),
    path("", views.account_settings, name="settings"),
]
