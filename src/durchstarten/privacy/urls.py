from django.urls import path

from durchstarten.privacy import views

app_name = "privacy"

P = "personen/<uuid:public_id>/"
R = "antraege/<uuid:public_id>/"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("fristen/", views.policy_edit, name="policy_edit"),
    path("faellig/", views.due_list, name="due_list"),
    path("antraege/", views.request_list, name="request_list"),
    path("aufbewahrungspflichten/", views.hold_list, name="hold_list"),
    path("eingeschraenkt/", views.restricted_list, name="restricted_list"),
    path(P, views.participant_privacy, name="participant"),
    path(P + "auskunft/", views.access_report_download, name="access_report"),
    path(P + "aufbewahrungspflicht/neu/", views.hold_create, name="hold_create"),
    path(P + "antraege/neu/", views.request_create, name="request_create"),
    path("aufbewahrungspflichten/<uuid:public_id>/aufheben/", views.hold_lift, name="hold_lift"),
    path(R + "entscheiden/", views.request_decide, name="request_decide"),
    path(R + "umsetzen/", views.request_execute, name="request_execute"),
    path(R + "einschraenkung-aufheben/", views.restriction_lift, name="restriction_lift"),
]
