"""Security headers on every page of the permission matrix, and production cookies and HSTS.

For every route of tests/security/policy.py that answers 200 to some role, the page is fetched
as that role: the policy's headers must be on it, whatever the page (list, form, export, htmx
fragment). The cookie and HSTS checks run with the values the production settings set.
"""

from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import PASSWORD
from tests.security.policy import ROLES, ROUTES, expected

PRODUCTION = {
    "DEBUG": False,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
}


def readable_pages(world):
    """(route name, url, role, htmx) of the first role and target with a 200 for each route."""
    for row in ROUTES:
        found = next(
            (
                (role, target)
                for role in ROLES
                for target in row["targets"]
                if expected(row, "GET", role, target) == 200
            ),
            None,
        )
        if found is not None:
            role, target = found
            url = reverse(row["name"], kwargs=world.kwargs(row, target))
            yield row["name"], url, role, row["kind"] == "fragment"


def header_problems(response, *, signed_in: bool) -> list[str]:
    problems = []
    csp = response.get("Content-Security-Policy", "")
    # A download may be stricter (default-src 'none'), never looser; framing is always refused.
    if "default-src 'self'" not in csp and "default-src 'none'" not in csp:
        problems.append(f"CSP without default-src 'self' or 'none': {csp!r}")
    if "frame-ancestors 'none'" not in csp:
        problems.append(f"CSP without frame-ancestors 'none': {csp!r}")
    if "unsafe-inline" in csp or "unsafe-eval" in csp:
        problems.append(f"CSP allows inline code: {csp!r}")
    for header, value in (
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
    ):
        if response.get(header) != value:
            problems.append(f"{header}: {response.get(header)!r}, expected {value!r}")
    if signed_in and "no-store" not in response.get("Cache-Control", ""):
        problems.append(f"Cache-Control: {response.get('Cache-Control')!r} lacks no-store")
    return problems


def test_it_sends_the_security_headers_on_every_page_of_the_matrix(world, clients):
    failures, checked = [], 0
    for name, url, role, htmx in readable_pages(world):
        headers = {"HX-Request": "true"} if htmx else {}
        response = clients[role].get(url, headers=headers)
        if response.status_code != 200:
            failures.append(f"{name} as {role}: status {response.status_code}")
            continue
        checked += 1
        failures.extend(f"{name} as {role}: {p}" for p in header_problems(response, signed_in=True))
    assert checked > 80
    assert not failures, "\n".join(failures)


def test_it_sends_the_headers_on_the_login_page_and_refusals(world, clients):
    login = Client().get(reverse("login"))
    assert not header_problems(login, signed_in=False)
    refused = clients["provider_staff"].get(reverse("funding:overview"))
    assert refused.status_code == 403
    assert not header_problems(refused, signed_in=True)
    missing = clients["coordinator"].get(
        reverse("cases:participant_detail", kwargs={"public_id": world.b.district.public_id})
    )
    assert missing.status_code == 404
    assert not header_problems(missing, signed_in=True)


@override_settings(**PRODUCTION)
def test_it_sets_secure_cookies_and_hsts_in_production(world):
    client = Client()
    user = world.users["coordinator"]

    page = client.get(reverse("login"), secure=True)
    signed_in = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}, secure=True
    )

    assert signed_in.status_code == 302
    csrf, session = client.cookies["csrftoken"], client.cookies["sessionid"]
    assert csrf["secure"]
    assert csrf["samesite"] == "Lax"
    assert session["secure"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"
    for response in (page, signed_in, client.get(reverse("home"), secure=True)):
        assert response["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        )
    insecure = Client().get(reverse("login"))
    assert insecure.status_code == 301
    assert insecure["Location"].startswith("https://")
    assert "Strict-Transport-Security" not in insecure
