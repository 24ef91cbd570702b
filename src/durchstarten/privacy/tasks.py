"""Background tasks (Django's task framework); a scheduler or cron enqueues them daily."""

from django.tasks import task

from durchstarten.privacy.retention import retention_run


@task
def run_retention() -> dict[str, dict[str, int]]:
    """Anonymise what is due in every district; returns the counts per district (AGS)."""
    return {plan.ags: {str(k): v for k, v in plan.counts().items()} for plan in retention_run()}
