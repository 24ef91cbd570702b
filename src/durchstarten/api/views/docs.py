"""The OpenAPI schema and its Swagger UI, served from our own static files (no CDN)."""

from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView


@method_decorator(login_not_required, name="dispatch")
class SchemaView(SpectacularAPIView):
    authentication_classes = []
    permission_classes = []


@method_decorator(login_not_required, name="dispatch")
class DocsView(SpectacularSwaggerSplitView):
    authentication_classes = []
    permission_classes = []
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"
