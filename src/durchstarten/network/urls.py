from django.urls import path

from durchstarten.network.views import activities, documents, meetings, partners

app_name = "network"

M = "steuerungsgruppe/<uuid:public_id>/"
D = "dokumente/<uuid:public_id>/"
P = "partner/<uuid:public_id>/"

urlpatterns = [
    # Steering group (views/meetings.py)
    path("steuerungsgruppe/", meetings.meeting_list, name="meeting_list"),
    path("steuerungsgruppe/neu/", meetings.meeting_create, name="meeting_create"),
    path(M, meetings.meeting_detail, name="meeting_detail"),
    path(M + "bearbeiten/", meetings.meeting_edit, name="meeting_edit"),
    path(M + "loeschen/", meetings.meeting_delete, name="meeting_delete"),
    path(M + "aufgaben/neu/", meetings.action_item_create, name="action_item_create"),
    path(
        "steuerungsgruppe/aufgaben/<uuid:public_id>/erledigt/",
        meetings.action_item_complete,
        name="action_item_complete",
    ),
    # Document library (views/documents.py)
    path("dokumente/", documents.document_list, name="document_list"),
    path("dokumente/neu/", documents.document_create, name="document_create"),
    path(D, documents.document_detail, name="document_detail"),
    path(D + "bearbeiten/", documents.document_edit, name="document_edit"),
    path(D + "loeschen/", documents.document_delete, name="document_delete"),
    path(D + "neue-fassung/", documents.version_create, name="version_create"),
    path(
        "dokumente/fassungen/<uuid:public_id>/herunterladen/",
        documents.version_download,
        name="version_download",
    ),
    # Partner directory (views/partners.py)
    path("partner/", partners.partner_list, name="partner_list"),
    path("partner/neu/", partners.partner_create, name="partner_create"),
    path(P, partners.partner_detail, name="partner_detail"),
    path(P + "bearbeiten/", partners.partner_edit, name="partner_edit"),
    path(P + "loeschen/", partners.partner_delete, name="partner_delete"),
    path(P + "ansprechpersonen/neu/", partners.contact_create, name="contact_create"),
    path(
        "ansprechpersonen/<uuid:public_id>/bearbeiten/",
        partners.contact_edit,
        name="contact_edit",
    ),
    path(
        "ansprechpersonen/<uuid:public_id>/loeschen/",
        partners.contact_delete,
        name="contact_delete",
    ),
    # Network activities (views/activities.py)
    path("aktivitaeten/", activities.activity_list, name="activity_list"),
    path("aktivitaeten/neu/", activities.activity_create, name="activity_create"),
    path(
        "aktivitaeten/<uuid:public_id>/bearbeiten/",
        activities.activity_edit,
        name="activity_edit",
    ),
    path(
        "aktivitaeten/<uuid:public_id>/loeschen/",
        activities.activity_delete,
        name="activity_delete",
    ),
]
