from django.urls import path

from durchstarten.reporting.views import dashboard, definitions, exports, persons, targets

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("export/", exports.dashboard_export, name="dashboard_export"),
    path("personen/", persons.persons, name="persons"),
    path("definitionen/", definitions.definitions, name="definitions"),
    path("zielwerte/", targets.target_list, name="target_list"),
    path("zielwerte/neu/", targets.target_create, name="target_create"),
    path("zielwerte/<uuid:public_id>/bearbeiten/", targets.target_edit, name="target_edit"),
    path("zielwerte/<uuid:public_id>/loeschen/", targets.target_delete, name="target_delete"),
]
