from django.urls import path

from durchstarten.imports import views
from durchstarten.imports.models import ImportKind

app_name = "imports"

B = "<uuid:public_id>/"
PARTICIPANTS = {"kind": ImportKind.PARTICIPANTS.value}
OFFERS = {"kind": ImportKind.OFFERS.value}

urlpatterns = [
    path("", views.batch_list, name="batch_list"),
    path("teilnehmende/neu/", views.upload, PARTICIPANTS, name="participant_upload"),
    path("angebote/neu/", views.upload, OFFERS, name="offer_upload"),
    path(
        "teilnehmende/vorlage/", views.template_download, PARTICIPANTS, name="participant_template"
    ),
    path("angebote/vorlage/", views.template_download, OFFERS, name="offer_template"),
    path(B, views.batch_detail, name="batch_detail"),
    path(B + "spalten/", views.batch_mapping, name="batch_mapping"),
    path(B + "entscheidungen/", views.batch_decide, name="batch_decide"),
    path(B + "uebernehmen/", views.batch_confirm, name="batch_confirm"),
    path(B + "abgelehnte-zeilen/", views.batch_rejected, name="batch_rejected"),
    path(B + "rueckgaengig/", views.batch_undo, name="batch_undo"),
]
