"""Background tasks of the list import (Django's task framework; `durchstarten db_worker`)."""

from django.tasks import task

from durchstarten.imports import services


@task
def analyse_batch(batch_id: int) -> dict:
    return services.import_batch_analyse(batch_id=batch_id)


@task
def run_batch(batch_id: int) -> dict:
    return services.import_batch_run(batch_id=batch_id)
