from django.urls import path

from durchstarten.reporting import views_state

urlpatterns: list = [
    path("landesuebersicht/", views_state.state, name="state"),
    path("landesuebersicht/export/", views_state.state_export, name="state_export"),
]
