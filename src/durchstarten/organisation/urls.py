from django.urls import path

from durchstarten.organisation import views

app_name = "organisation"

urlpatterns = [
    path("kreis/", views.district_overview, name="district_overview"),
    path("kreise/", views.district_list, name="district_list"),
    path("traeger/", views.provider_list, name="provider_list"),
    path("zustaendigkeiten/", views.assignment_list, name="assignment_list"),
    path("stellen/", views.position_list, name="position_list"),
]
