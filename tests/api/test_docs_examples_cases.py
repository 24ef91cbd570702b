"""The curl examples of docs/api.md, section "Teilnehmende und Fallarbeit", work as shown.

They run in order against the application as a case manager's key: `VAR=$(curl … | jq -r
.path)` keeps a value for the examples after it, `$ETAG` is the ETag of the latest answer that
carried one. Every answer must be a success.
"""

import json
import re
import shlex
from pathlib import Path

import pytest

from tests.api.conftest import api_client

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
SECTION = "## Teilnehmende und Fallarbeit"
DOCS_BASE = "https://durchstarten.example.org"
CAPTURE = re.compile(r"^(\w+)=\$\((curl .+) \| jq -r (\S+)\)$", re.S)
VARIABLE = re.compile(r"\$(\w+)")


def section_text() -> str:
    text = DOC.read_text()
    start = text.index(SECTION)
    end = text.find("\n## ", start + len(SECTION))
    return text[start : end if end != -1 else None]


def commands() -> list[str]:
    """The shell commands of the section's bash blocks, continuation lines joined."""
    out = []
    for block in re.findall(r"```bash\n(.*?)```", section_text(), re.S):
        out.extend(line for line in block.replace("\\\n", " ").splitlines() if line.strip())
    return out


def jq(value, path: str):
    for part in re.findall(r"\.(\w+)|\[(\d+)\]", path):
        key, index = part
        value = value[key] if key else value[int(index)]
    return value


def parse_curl(command: str, variables: dict) -> dict:
    words = [VARIABLE.sub(lambda m: str(variables[m.group(1)]), w) for w in shlex.split(command)]
    assert words[0] == "curl"
    request = {"method": None, "headers": {}, "body": None, "url": None}
    rest = iter(words[1:])
    for word in rest:
        if word == "-X":
            request["method"] = next(rest)
        elif word == "-H":
            name, _sep, value = next(rest).partition(": ")
            request["headers"][name] = value
        elif word == "-d":
            request["body"] = next(rest)
        elif word.startswith("-"):
            assert set(word[1:]) <= {"s", "i", "I"}, word
        else:
            request["url"] = word
    request["method"] = request["method"] or ("POST" if request["body"] else "GET")
    return request


def run(client, request: dict):
    path = request["url"].removeprefix(DOCS_BASE)
    assert path.startswith("/api/v1/"), path
    headers = {}
    if "If-Match" in request["headers"]:
        headers["HTTP_IF_MATCH"] = request["headers"]["If-Match"]
    if request["body"] is not None:
        json.loads(request["body"])  # the example's body is valid JSON
    return client.generic(
        request["method"],
        path,
        data=request["body"] or "",
        content_type="application/json",
        **headers,
    )


def test_the_section_has_examples():
    assert len(commands()) >= 20


def test_every_example_works(case_manager, municipality):
    client = api_client(case_manager)
    variables = {"BASE": DOCS_BASE, "TOKEN": "from-the-client", "ME": case_manager.username}
    for command in commands():
        capture = CAPTURE.match(command)
        curl = capture.group(2) if capture else command
        response = run(client, parse_curl(curl, variables))
        assert response.status_code < 400, (command, response.status_code, response.content)
        if response.has_header("ETag"):
            variables["ETAG"] = response["ETag"]
        if capture:
            variables[capture.group(1)] = jq(response.json(), capture.group(3))
    assert {"PARTICIPANT", "ENROLLMENT", "NEED", "GOAL", "STEP", "TASK"} <= set(variables)
