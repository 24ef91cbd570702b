"""Pages of the reporting area for the districts: the KPI dashboard with its downloads and
lists of persons, the targets, and the definitions of the figures. The state analyst's view
lives in its own modules (urls_state)."""
