"""Background tasks (Django's task framework); a scheduler or cron enqueues them daily."""

from django.tasks import task

from durchstarten.cases.services.tasks import tasks_generate_automatic


@task
def generate_automatic_tasks() -> dict[str, int]:
    return tasks_generate_automatic()
