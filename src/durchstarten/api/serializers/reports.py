"""Query parameters of the reports and the shape of the state-wide table.

The KPI and quarterly reports are returned exactly as `durchstarten report … --format json`
emits them (docs/reporting.md describes their fields), so they have no serializer here.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from durchstarten.reporting import statewide
from durchstarten.reporting.suppression import Cell, Rate

AGS_PATTERN = r"^\d{8}$"
BAD_AGS = _("Der AGS eines Kreises hat 8 Ziffern (z. B. 05754000).")
FROM_AFTER_TO = _("Der Beginn liegt nach dem Ende des Zeitraums.")
MIN_YEAR, MAX_YEAR = 2000, 2100


def _district() -> serializers.RegexField:
    return serializers.RegexField(
        AGS_PATTERN, error_messages={"invalid": BAD_AGS}, help_text=str(_("AGS des Kreises"))
    )


class PeriodQuerySerializer(serializers.Serializer):
    """`from` and `to` (both days included); `from` is a Python keyword, hence get_fields."""

    def get_fields(self):
        return {
            "from": serializers.DateField(help_text=str(_("Beginn (JJJJ-MM-TT)"))),
            "to": serializers.DateField(help_text=str(_("Ende (JJJJ-MM-TT)"))),
        }

    def validate(self, attrs):
        if attrs["from"] > attrs["to"]:
            raise serializers.ValidationError({"from": [FROM_AFTER_TO]})
        return attrs


class KpiQuerySerializer(PeriodQuerySerializer):
    def get_fields(self):
        return {"district": _district(), **super().get_fields()}


class QuarterlyQuerySerializer(serializers.Serializer):
    district = _district()
    year = serializers.IntegerField(min_value=MIN_YEAR, max_value=MAX_YEAR)


class CellSerializer(serializers.Serializer):
    value = serializers.IntegerField(allow_null=True, help_text=str(_("null: gesperrt")))
    text = serializers.CharField(help_text=str(_("wie angezeigt: Zahl, „< 5“ oder „x“")))
    suppressed = serializers.BooleanField()


class RateSerializer(serializers.Serializer):
    value = serializers.FloatField(
        allow_null=True, help_text=str(_("Anteil (0–1); null: gesperrt oder Nenner 0"))
    )
    suppressed = serializers.BooleanField()


class StateRowSerializer(serializers.Serializer):
    district = serializers.CharField(help_text=str(_("AGS; leer in der Landessumme")))
    name = serializers.CharField()
    cells = serializers.DictField(child=CellSerializer())
    entry_rate = RateSerializer()
    placement_rate = RateSerializer()


class StateTableSerializer(serializers.Serializer):
    period = serializers.DictField(child=serializers.DateField())
    columns = serializers.ListField(child=serializers.CharField())
    suppressed = serializers.BooleanField()
    rows = StateRowSerializer(many=True)
    total = StateRowSerializer()


def _cell(cell: Cell) -> dict:
    return {"value": cell.value, "text": cell.text, "suppressed": cell.suppressed}


def _rate(value: Rate) -> dict:
    return {"value": value.value, "suppressed": value.suppressed}


def _row(row: statewide.StateRow) -> dict:
    return {
        "district": row.ags,
        "name": row.name,
        "cells": {
            column: _cell(cell) for column, cell in zip(statewide.COLUMNS, row.cells, strict=True)
        },
        "entry_rate": _rate(row.entry_rate),
        "placement_rate": _rate(row.placement_rate),
    }


def state_table_data(table: statewide.StateTable) -> dict:
    """The suppressed table as the state view shows it: withheld counts carry no value."""
    return {
        "period": {"from": table.start, "to": table.end},
        "columns": list(statewide.COLUMNS),
        "suppressed": table.suppressed,
        "rows": [_row(row) for row in table.rows],
        "total": _row(table.total),
    }
