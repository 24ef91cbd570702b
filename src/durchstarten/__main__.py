"""The `durchstarten` console command: Django's management with the project's settings."""

import os
import sys

# Console names with a hyphen for commands whose Django module names cannot have one.
ALIASES = {"import-participants": "import_participants", "import-offers": "import_offers"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "durchstarten.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    if len(argv) > 1:
        argv[1] = ALIASES.get(argv[1], argv[1])
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
