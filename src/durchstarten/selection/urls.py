from django.urls import path

from durchstarten.selection.views import calls, entries, review

app_name = "selection"

CALL = "<uuid:public_id>/"
CRITERION = f"{CALL}kriterien/<uuid:criterion_id>/"
BID = f"{CALL}interessenbekundungen/<uuid:bid_id>/"

urlpatterns = [
    path("", calls.call_list, name="call_list"),
    path("neu/", calls.call_create, name="call_create"),
    path(CALL, calls.call_detail, name="call_detail"),
    path(f"{CALL}bearbeiten/", calls.call_edit, name="call_edit"),
    path(f"{CALL}eroeffnen/", calls.call_open, name="call_open"),
    path(f"{CALL}bewertung-beginnen/", calls.call_review, name="call_review"),
    path(f"{CALL}abbrechen/", calls.call_cancel, name="call_cancel"),
    path(f"{CALL}entscheiden/", review.call_decide, name="call_decide"),
    path(f"{CALL}kriterien/neu/", entries.criterion_create, name="criterion_create"),
    path(f"{CRITERION}bearbeiten/", entries.criterion_edit, name="criterion_edit"),
    path(f"{CRITERION}loeschen/", entries.criterion_delete, name="criterion_delete"),
    path(f"{CALL}interessenbekundungen/neu/", entries.bid_create, name="bid_create"),
    path(f"{BID}bearbeiten/", entries.bid_edit, name="bid_edit"),
    path(f"{BID}loeschen/", entries.bid_delete, name="bid_delete"),
    path(f"{BID}bewerten/", review.score_edit, name="score_edit"),
]
