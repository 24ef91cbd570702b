"""Two requests writing to the same SQLite file at once: the second waits, neither fails.

Runs in a subprocess against a file database with the project's own settings, because the
test database is in memory and shared by one connection.
"""

import os
import subprocess
import sys
import textwrap

import pytest
from django.conf import settings

SCRIPT = textwrap.dedent(
    """
    import threading

    import django

    django.setup()
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE counter (n integer)")
        cursor.execute("INSERT INTO counter VALUES (0)")
    connection.close()

    first_read = threading.Event()
    second_read = threading.Event()
    errors = []

    def add_one(read_done, wait_for):
        # Read, then write, in one transaction: the shape of a request that saves a form.
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT n FROM counter")
                    (n,) = cursor.fetchone()
                    read_done.set()
                    wait_for.wait(timeout=1)
                    cursor.execute("UPDATE counter SET n = %s", [n + 1])
        except Exception as error:
            errors.append(repr(error))
        finally:
            read_done.set()
            connection.close()

    a = threading.Thread(target=add_one, args=(first_read, second_read))
    b = threading.Thread(target=add_one, args=(second_read, threading.Event()))
    a.start()
    first_read.wait(timeout=5)
    b.start()
    a.join()
    b.join()
    with connection.cursor() as cursor:
        cursor.execute("SELECT n FROM counter")
        print(cursor.fetchone()[0], errors)
    """
)


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="a property of the SQLite settings",
)
def test_two_writers_on_the_sqlite_file_both_succeed(tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DURCHSTARTEN_")}
    environment.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'concurrent.sqlite3'}",
        DJANGO_SETTINGS_MODULE="durchstarten.settings",
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter, a fixed script
        [sys.executable, "-c", SCRIPT],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2 []"
