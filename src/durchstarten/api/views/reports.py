"""The district's reports and the state-wide table.

KPI and quarterly reports are the very dicts `durchstarten report … --format json` prints
(reporting.kpi.kpi_report, reporting.quarterly.quarterly_report, through the reporting
selectors that check the district is in reach), written to the audit log as the command does.
The state-wide table is the suppressed one of the state view: no count below 5 leaves it.
"""

from django.core.exceptions import PermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from durchstarten.api.base import ApiViewSet
from durchstarten.api.serializers.reports import (
    KpiQuerySerializer,
    PeriodQuerySerializer,
    QuarterlyQuerySerializer,
    StateTableSerializer,
    state_table_data,
)
from durchstarten.api.views._common import DISTRICT, GUARDED, STATE_VIEW, holds_in
from durchstarten.core.audit import log_action
from durchstarten.organisation.selectors import get_district_for_user
from durchstarten.reporting import selectors, statewide

REPORTS = ["Berichte"]


def _district_in_charge(request, ags: str):
    """The district, if visible (404 otherwise) and the user reports for it (403 otherwise)."""
    district = get_district_for_user(request.user, ags)
    if not holds_in(request.user, district.pk, DISTRICT):
        raise PermissionDenied
    return district


@extend_schema_view(
    kpi=extend_schema(
        summary="Kennzahlenbericht eines Kreises für einen Zeitraum",
        description="Genau das JSON von `durchstarten report kpi --format json` "
        "(Felder: docs/reporting.md). Wird protokolliert.",
        tags=REPORTS,
        parameters=[KpiQuerySerializer],
        responses=OpenApiResponse(OpenApiTypes.OBJECT, description="Kennzahlenbericht"),
    ),
    quarterly=extend_schema(
        summary="Quartalsmonitoring eines Kreises für ein Jahr",
        description="Genau das JSON von `durchstarten report quarterly --format json`. "
        "Wird protokolliert.",
        tags=REPORTS,
        parameters=[QuarterlyQuerySerializer],
        responses=OpenApiResponse(OpenApiTypes.OBJECT, description="Quartalsmonitoring"),
    ),
    statewide=extend_schema(
        summary="Landesübersicht: Kennzahlen je Kreis, kleine Zahlen gesperrt",
        tags=REPORTS,
        parameters=[PeriodQuerySerializer],
        responses=StateTableSerializer,
    ),
)
class ReportViewSet(ApiViewSet):
    permission_classes = GUARDED
    action_roles = {"kpi": DISTRICT, "quarterly": DISTRICT, "statewide": STATE_VIEW}
    pagination_class = None
    filter_backends = []

    @action(detail=False, methods=["get"])
    def kpi(self, request):
        query = KpiQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, end = query.validated_data["from"], query.validated_data["to"]
        district = _district_in_charge(request, query.validated_data["district"])
        report = selectors.kpi_report_for_user(
            request.user, district=district, start=start, end=end
        )
        log_action(
            "report.kpi.exported",
            actor=request.user,
            district_id=district.pk,
            data={
                "format": "json",
                "districts": report["districts"],
                "from": start.isoformat(),
                "to": end.isoformat(),
            },
        )
        return Response(report)

    @action(detail=False, methods=["get"])
    def quarterly(self, request):
        query = QuarterlyQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data["year"]
        district = _district_in_charge(request, query.validated_data["district"])
        report = selectors.quarterly_report_for_user(request.user, district=district, year=year)
        log_action(
            "report.quarterly.exported",
            actor=request.user,
            district_id=district.pk,
            data={"format": "json", "districts": report["districts"], "year": year},
        )
        return Response(report)

    @action(detail=False, methods=["get"])
    def statewide(self, request):
        query = PeriodQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, end = query.validated_data["from"], query.validated_data["to"]
        table = statewide.state_table_for_user(request.user, start=start, end=end)
        log_action(
            "reporting.state.exported",
            actor=request.user,
            data={
                "format": "json",
                "from": start.isoformat(),
                "to": end.isoformat(),
                "districts": len(table.rows),
            },
        )
        return Response(StateTableSerializer(state_table_data(table)).data)
