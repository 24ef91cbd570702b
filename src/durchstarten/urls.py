from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from durchstarten.core import views as core_views
from durchstarten.core.forms import LoginForm

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path(
        "anmelden/",
        auth_views.LoginView.as_view(
            template_name="core/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path("rolle-wechseln/", core_views.switch_membership, name="switch_membership"),
    path("listen/filter/", core_views.list_filter, name="list_filter"),
    path("organisation/", include("durchstarten.organisation.urls")),
    path("faelle/", include("durchstarten.cases.urls")),
    path("angebote/", include("durchstarten.offers.urls")),
    path("berichte/", include("durchstarten.reporting.urls")),
    path("foerderung/", include("durchstarten.funding.urls")),
    path("traegerauswahl/", include("durchstarten.selection.urls")),
    path("netzwerk/", include("durchstarten.network.urls")),
    path("konto/", include("durchstarten.accounts.urls")),
    path("konto/api-schluessel/", include("durchstarten.api.urls_tokens")),
    path("import/", include("durchstarten.imports.urls")),
    path("exporte/", include("durchstarten.exports.urls")),
    path("datenschutz/", include("durchstarten.privacy.urls")),
    path("api/v1/", include("durchstarten.api.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]

handler404 = "durchstarten.api.views.errors.page_not_found"
handler500 = "durchstarten.api.views.errors.server_error"
