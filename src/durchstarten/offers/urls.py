from django.urls import path

from durchstarten.offers.views import directory, gaps, inbox, participant

app_name = "offers"

P = "teilnehmende/<uuid:public_id>/"

urlpatterns = [
    path("", directory.offer_list, name="offer_list"),
    path("export.csv", directory.offer_export, name="offer_export"),
    path("neu/", directory.offer_create, name="offer_create"),
    path("<uuid:public_id>/", directory.offer_detail, name="offer_detail"),
    path("<uuid:public_id>/bearbeiten/", directory.offer_edit, name="offer_edit"),
    path("vermittlungen/", inbox.inbox, name="inbox"),
    path(
        "vermittlungen/<uuid:referral_id>/schritt/",
        inbox.inbox_transition,
        name="inbox_transition",
    ),
    path("luecken/", gaps.gaps, name="gaps"),
    path("luecken/export.csv", gaps.gaps_export, name="gaps_export"),
    # The section "Angebote und Vermittlungen" of the participant page
    path(P, participant.section, name="participant_section"),
    path(P + "vorschlagen/<uuid:offer_id>/", participant.propose, name="propose"),
    path(
        P + "vermittlungen/<uuid:referral_id>/schritt/",
        participant.transition,
        name="participant_transition",
    ),
    path(P + "verbleib/neu/", participant.outcome_create, name="outcome_create"),
]
