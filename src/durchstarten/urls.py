from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from durchstarten.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path(
        "anmelden/",
        auth_views.LoginView.as_view(
            template_name="core/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path("rolle-wechseln/", core_views.switch_membership, name="switch_membership"),
    path("organisation/", include("durchstarten.organisation.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
