from durchstarten.reporting import urls_dashboard, urls_state

app_name = "reporting"

urlpatterns = [*urls_dashboard.urlpatterns, *urls_state.urlpatterns]
