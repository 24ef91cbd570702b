from django.urls import include, path
from rest_framework.routers import SimpleRouter

from durchstarten.api.views import docs, organisation
from durchstarten.api.views import offers as offer_views
from durchstarten.api.views import reports as report_views

app_name = "api"

router = SimpleRouter(trailing_slash=True)
router.register("districts", organisation.DistrictViewSet, basename="district")
# --- organisation, offers, referrals, reports ---
router.register("municipalities", organisation.MunicipalityViewSet, basename="municipality")
router.register("providers", organisation.ProviderViewSet, basename="provider")
router.register("assignments", organisation.AssignmentViewSet, basename="assignment")
router.register("positions", organisation.PositionViewSet, basename="position")
router.register("offers", offer_views.OfferViewSet, basename="offer")
router.register("referrals", offer_views.ReferralViewSet, basename="referral")
router.register("outcomes", offer_views.OutcomeViewSet, basename="outcome")
router.register("reports", report_views.ReportViewSet, basename="report")


urlpatterns = [
    path("schema/", docs.SchemaView.as_view(), name="schema"),
    path("docs/", docs.DocsView.as_view(), name="docs"),
    path("", include(router.urls)),
    # --- participants and case work ---
    path("", include("durchstarten.api.urls_cases")),
]
