"""The list imports of one side of the security world: two checked participant lists
(index 1 and 2; imports belong to no provider), each waiting for confirmation.

The uploads are removed from the storage once checked: the rows keep their cells, so that
nothing is left behind on disk by the rolled-back world.
"""

from django.core.files.base import ContentFile

from durchstarten.imports import services
from durchstarten.imports.models import ImportBatch

CONTENT = "Vorname;Familienname;Geburtsdatum\nWelt{name}{index};Import{name};01.02.2003\n"


def build(side, day) -> None:
    coordinator = side.users["coordinator"]
    for index in (1, 2):
        content = CONTENT.format(name=side.name, index=index).encode()
        batch = services.import_batch_create(
            actor=coordinator,
            district=side.district,
            kind="participants",
            file=ContentFile(content, name="liste.csv"),
            file_name=f"liste-{side.name}{index}.csv",
        )
        services.storage.delete(batch.file)
        ImportBatch.objects.filter(pk=batch.pk).update(file="")
        batch.refresh_from_db()
        side.objects[("import_batch", index)] = batch
