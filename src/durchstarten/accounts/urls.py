from django.urls import path

from durchstarten.accounts import oidc, views

app_name = "accounts"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("zwei-faktor/", views.two_factor_status, name="two_factor"),
    path("zwei-faktor/einrichten/", views.two_factor_setup, name="two_factor_setup"),
    path("zwei-faktor/notfallcodes/", views.backup_codes, name="backup_codes"),
    path("zwei-faktor/entfernen/", views.two_factor_remove, name="two_factor_remove"),
    path("anmelden/code/", views.otp_verify, name="otp_verify"),
    path("anmelden/sso/", oidc.oidc_login, name="oidc_login"),
    path("anmelden/sso/antwort/", oidc.oidc_callback, name="oidc_callback"),
    path("notfallzugriffe/", views.break_glass_list, name="break_glass_list"),
    path("notfallzugriffe/neu/", views.break_glass_create, name="break_glass_create"),
    path(
        "notfallzugriffe/<uuid:public_id>/",
        views.break_glass_participant,
        name="break_glass_participant",
    ),
    path(
        "notfallzugriffe/<uuid:public_id>/beenden/",
        views.break_glass_revoke,
        name="break_glass_revoke",
    ),
]
