"""Query filters of the API list endpoints (django-filter), one module per area."""
