from django.urls import path

from durchstarten.api.views import tokens

app_name = "api_tokens"

urlpatterns = [
    path("", tokens.token_list, name="list"),
    path("neu/", tokens.token_create, name="create"),
    path("<uuid:public_id>/widerrufen/", tokens.token_revoke, name="revoke"),
]
