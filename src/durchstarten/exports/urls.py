from django.urls import path

from durchstarten.exports import views

app_name = "exports"

urlpatterns = [
    path("teilnehmende.xlsx", views.participants_xlsx, name="participants_xlsx"),
    path("teilnehmende.csv", views.participants_csv, name="participants_csv"),
    path("angebote.xlsx", views.offers_xlsx, name="offers_xlsx"),
    path("angebote.csv", views.offers_csv, name="offers_csv"),
    path("vermittlungen.xlsx", views.referrals_xlsx, name="referrals_xlsx"),
    path("vermittlungen.csv", views.referrals_csv, name="referrals_csv"),
    path("wiedervorlagen.xlsx", views.tasks_xlsx, name="tasks_xlsx"),
    path("wiedervorlagen.csv", views.tasks_csv, name="tasks_csv"),
    path("kalender/", views.calendar_settings, name="calendar"),
    path("kalender/neu-erzeugen/", views.calendar_regenerate, name="calendar_regenerate"),
    path("kalender/widerrufen/", views.calendar_revoke, name="calendar_revoke"),
    # Public: the secret token is the credential (calendar programs cannot sign in).
    path("kalender/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
