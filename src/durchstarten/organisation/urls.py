from django.urls import path

from durchstarten.organisation import caseload_views, views

app_name = "organisation"

urlpatterns = [
    path("kreis/", views.district_overview, name="district_overview"),
    path("kreise/", views.district_list, name="district_list"),
    path("traeger/", views.provider_list, name="provider_list"),
    path("traeger/neu/", views.provider_create, name="provider_create"),
    path("traeger/<uuid:public_id>/", views.provider_detail, name="provider_detail"),
    path("traeger/<uuid:public_id>/bearbeiten/", views.provider_edit, name="provider_edit"),
    path("zustaendigkeiten/", views.assignment_list, name="assignment_list"),
    path("zustaendigkeiten/neu/", views.assignment_create, name="assignment_create"),
    path(
        "zustaendigkeiten/<uuid:public_id>/bearbeiten/",
        views.assignment_edit,
        name="assignment_edit",
    ),
    path(
        "zustaendigkeiten/<uuid:public_id>/loeschen/",
        views.assignment_delete,
        name="assignment_delete",
    ),
    path("stellen/", views.position_list, name="position_list"),
    path("stellen/neu/", views.position_create, name="position_create"),
    path("stellen/<uuid:public_id>/bearbeiten/", views.position_edit, name="position_edit"),
    path("stellen/<uuid:public_id>/loeschen/", views.position_delete, name="position_delete"),
    path("fallzahlen/", caseload_views.caseload, name="caseload"),
]
