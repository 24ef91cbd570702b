from django.urls import path

from durchstarten.funding.views import expenditures, grants, overview, parts

app_name = "funding"

urlpatterns = [
    path("", overview.overview, name="overview"),
    path("nachweis.xlsx", overview.year_report_xlsx, name="year_report_xlsx"),
    path("nachweis.pdf", overview.year_report_pdf, name="year_report_pdf"),
    path("bewilligungen/", grants.grant_list, name="grant_list"),
    path("bewilligungen/neu/", grants.grant_create, name="grant_create"),
    path("bewilligungen/<uuid:public_id>/", grants.grant_detail, name="grant_detail"),
    path("bewilligungen/<uuid:public_id>/bearbeiten/", grants.grant_edit, name="grant_edit"),
    path("bewilligungen/<uuid:public_id>/loeschen/", grants.grant_delete, name="grant_delete"),
    path("bewilligungen/<uuid:public_id>/budget/", grants.grant_budget, name="grant_budget"),
    path(
        "bewilligungen/<uuid:public_id>/nachweis.xlsx",
        grants.grant_report_xlsx,
        name="grant_report_xlsx",
    ),
    path(
        "bewilligungen/<uuid:public_id>/nachweis.pdf",
        grants.grant_report_pdf,
        name="grant_report_pdf",
    ),
    path(
        "bewilligungen/<uuid:public_id>/eigenanteile/neu/",
        parts.own_share_create,
        name="own_share_create",
    ),
    path("eigenanteile/<uuid:public_id>/bearbeiten/", parts.own_share_edit, name="own_share_edit"),
    path(
        "eigenanteile/<uuid:public_id>/loeschen/", parts.own_share_delete, name="own_share_delete"
    ),
    path(
        "bewilligungen/<uuid:public_id>/vertraege/neu/",
        parts.contract_create,
        name="contract_create",
    ),
    path("vertraege/<uuid:public_id>/bearbeiten/", parts.contract_edit, name="contract_edit"),
    path("vertraege/<uuid:public_id>/loeschen/", parts.contract_delete, name="contract_delete"),
    path("ausgaben/", expenditures.expenditure_list, name="expenditure_list"),
    path("ausgaben/neu/", expenditures.expenditure_create, name="expenditure_create"),
    path(
        "ausgaben/<uuid:public_id>/bearbeiten/",
        expenditures.expenditure_edit,
        name="expenditure_edit",
    ),
    path(
        "ausgaben/<uuid:public_id>/loeschen/",
        expenditures.expenditure_delete,
        name="expenditure_delete",
    ),
]
