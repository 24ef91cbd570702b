"""What the API's case work routes need beyond the shared world: each participant's open
enrollment (index 1 = the participant coached by P1, 2 = by P2). No new rows: the world's
participants entered the programme when the world was built."""


def build(side, day) -> None:
    for index in (1, 2):
        participant = side.objects[("participant", index)]
        side.objects[("enrollment", index)] = participant.enrollments.get(exit_date__isnull=True)
