"""Demo network: partners of the local network, steering-group meetings and network activities,
written through the network services like the other demo data.

Per district with a coordinator (the demo login "koordination" in Gütersloh and Herford, the
demo coordinators of the other districts when the demo cases are seeded): six partners with a
contact each, three meetings of 2026 with agenda, minutes, decisions and action items, and a
dozen network activities. Authorities keep their real names; everything made up says "(Demo)",
and contacts have neither phone numbers nor e-mail addresses.

Programme documents are left out: they would need files, and the demo has none to offer.

Idempotent: partners, meetings and activities are recognised by their natural keys (name,
title, date + kind + description) and never written twice.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from durchstarten.cases.services import tasks as task_services
from durchstarten.core.models import Membership, Role, User
from durchstarten.network.choices import ActivityKind, MeetingFormat, PartnerKind
from durchstarten.network.models import Meeting, NetworkActivity, Partner
from durchstarten.network.services import activities as activity_services
from durchstarten.network.services import meetings as meeting_services
from durchstarten.network.services import partners as partner_services
from durchstarten.offers.choices import OfferKind
from durchstarten.offers.models import Offer
from durchstarten.organisation.models import District, Municipality, Provider


@dataclass
class DemoNetworkResult:
    partners: int = 0
    meetings: int = 0
    action_items: int = 0
    activities: int = 0
    skipped_districts: list[str] = field(default_factory=list)


def _coordinator(district: District) -> User | None:
    membership = (
        Membership.objects.filter(district=district, role=Role.COORDINATOR)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    return membership.user if membership else None


def _owner(district: District, coordinator: User) -> User:
    """Who gets the action items: a case manager of the district, else the coordinator."""
    membership = (
        Membership.objects.filter(district=district, role=Role.CASE_MANAGER)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    return membership.user if membership else coordinator


def _partner_specs(district: District, towns: list[Municipality]) -> list[dict]:
    main, second = towns[0], towns[min(1, len(towns) - 1)]
    return [
        {
            "name": f"Sozialamt {main.name}",
            "kind": PartnerKind.SOCIAL_WELFARE_OFFICE,
            "municipalities": [main],
            "offering": "Leistungen nach dem Asylbewerberleistungsgesetz, Unterbringung. "
            "Meldet neu zugewiesene junge Erwachsene an das Teilhabemanagement (Demo).",
            "contact": ("Ansprechperson Leistungsabteilung (Demo)", "Sachbearbeitung AsylbLG"),
        },
        {
            "name": f"Ausländerbehörde {district.name}",
            "kind": PartnerKind.FOREIGNERS_AUTHORITY,
            "municipalities": [],
            "offering": "Duldungen, Ausbildungs- und Beschäftigungsduldungen, "
            "Beschäftigungserlaubnisse (Demo-Beschreibung).",
            "contact": ("Ansprechperson Aufenthaltsrecht (Demo)", "Sachgebietsleitung"),
        },
        {
            "name": f"Jobcenter {district.name}",
            "kind": PartnerKind.JOBCENTER,
            "municipalities": [],
            "offering": "Übergang in die Grundsicherung nach einem Statuswechsel; "
            "Arbeitgeberservice (Demo-Beschreibung).",
            "contact": ("Ansprechperson U25-Team (Demo)", "Arbeitsvermittlung U25"),
        },
        {
            "name": f"Berufskolleg {main.name} (Demo)",
            "kind": PartnerKind.VOCATIONAL_COLLEGE,
            "municipalities": [main],
            "offering": "Internationale Förderklassen, Ausbildungsvorbereitung.",
            "contact": ("Bildungsgangleitung IFK (Demo)", "Bildungsgangleitung"),
        },
        {
            "name": f"Ehrenamtsinitiative Willkommen in {second.name} (Demo)",
            "kind": PartnerKind.VOLUNTEER_GROUP,
            "municipalities": [second],
            "offering": "Begleitung zu Terminen, Hausaufgabenhilfe, Sprachcafé.",
            "contact": ("Sprecherin der Initiative (Demo)", "Koordination Ehrenamt"),
        },
        {
            "name": f"Migrationsberatung {district.name} (Demo)",
            "kind": PartnerKind.COUNSELLING_SERVICE,
            "municipalities": [],
            "offering": "Migrationsberatung für Erwachsene und Jugendmigrationsdienst, "
            "Verweisberatung.",
            "contact": ("Beraterin Jugendmigrationsdienst (Demo)", "Beratung"),
            "specialist_offers": True,
        },
    ]


def _partners(district, coordinator, result) -> list[Partner]:
    towns = list(Municipality.objects.filter(district=district).order_by("name"))
    if not towns:
        return []
    specialists = list(
        Offer.objects.filter(district=district, kind=OfferKind.SPECIALIST).order_by("title")[:3]
    )
    partners = []
    for spec in _partner_specs(district, towns):
        partner = Partner.objects.filter(district=district, name=spec["name"]).first()
        if partner is None:
            partner = partner_services.partner_create(
                actor=coordinator,
                district=district,
                name=spec["name"],
                kind=spec["kind"],
                municipalities=spec["municipalities"],
                specialist_offers=specialists if spec.get("specialist_offers") else [],
                offering=spec["offering"],
            )
            name, function = spec["contact"]
            partner_services.contact_create(
                actor=coordinator, partner=partner, name=name, function=function
            )
            result.partners += 1
        partners.append(partner)
    return partners


MEETINGS = (
    {
        "title": "1. Sitzung der Bündniskerngruppe 2026 (Demo)",
        "date": dt.date(2026, 3, 10),
        "start_time": dt.time(14, 0),
        "end_time": dt.time(16, 0),
        "format": MeetingFormat.IN_PERSON,
        "place": "Kreishaus, Sitzungsraum 1 (Demo)",
        "agenda": "Begrüßung und Protokoll der letzten Sitzung\n"
        "Bericht der Koordinierungsstelle\nQualitätshandbuch: Entwurf\nVerschiedenes",
        "minutes": "Die Koordinierungsstelle berichtet über den Start des Teilhabemanagements. "
        "Der Entwurf des Qualitätshandbuchs wird besprochen; Anmerkungen bis Ende April.",
        "decisions": "Der Entwurf des Qualitätshandbuchs wird zur Abstimmung gestellt.",
        "items": (("Anmerkungen zum Qualitätshandbuch sammeln", dt.date(2026, 4, 30), True),),
    },
    {
        "title": "2. Sitzung der Bündniskerngruppe 2026 (Demo)",
        "date": dt.date(2026, 6, 16),
        "start_time": dt.time(10, 0),
        "end_time": dt.time(11, 30),
        "format": MeetingFormat.DIGITAL,
        "link": "https://konferenz.example.org/bkg-demo",
        "agenda": "Zahlen des ersten Halbjahres\nAngebotslücken: Sprachkurse\nVerschiedenes",
        "minutes": "Die Zahlen des Halbjahres liegen im Plan. Für Sprachkurse in den kleinen "
        "Kommunen fehlen Plätze; die Koordinierungsstelle fragt bei den Trägern an.",
        "decisions": "Das Qualitätshandbuch wird in der vorgelegten Fassung angenommen.\n"
        "Die Koordinierungsstelle klärt zusätzliche Kursplätze.",
        "items": (("Träger zu zusätzlichen Kursplätzen anfragen", dt.date(2026, 7, 31), True),),
    },
    {
        "title": "3. Sitzung der Bündniskerngruppe 2026 (Demo)",
        "date": dt.date(2026, 9, 22),
        "start_time": dt.time(14, 0),
        "end_time": dt.time(16, 0),
        "format": MeetingFormat.HYBRID,
        "place": "Kreishaus, Sitzungsraum 1 (Demo)",
        "link": "https://konferenz.example.org/bkg-demo",
        "agenda": "Bericht Teilhabemanagement\nSachbericht: Gliederung\nTermine 2027",
        "minutes": "Das Teilhabemanagement stellt die Entwicklung der Fallzahlen vor. "
        "Die Gliederung des Sachberichts wird abgestimmt.",
        "decisions": "Die Gliederung des Sachberichts wird angenommen.",
        "items": (
            ("Zahlen für den Sachbericht zusammenstellen", dt.date(2026, 10, 30), True),
            ("Termine 2027 für die Bündniskerngruppe vorschlagen", dt.date(2026, 12, 15), False),
        ),
    },
)


def _meetings(district, coordinator, partners, result) -> None:
    providers = list(Provider.objects.filter(district=district, is_active=True).order_by("name"))
    owner = _owner(district, coordinator)
    for spec in MEETINGS:
        if Meeting.objects.filter(district=district, title=spec["title"]).exists():
            continue
        fields = {k: v for k, v in spec.items() if k != "items"}
        meeting = meeting_services.meeting_create(
            actor=coordinator,
            district=district,
            providers=providers,
            partners=partners[:3],
            **fields,
        )
        result.meetings += 1
        for text, due, done in spec["items"]:
            item = meeting_services.action_item_create(
                actor=coordinator, meeting=meeting, text=text, owner=owner, due_date=due
            )
            if done:
                task_services.task_complete(actor=owner, task=item.task)
            result.action_items += 1


ACTIVITIES = (
    (dt.date(2026, 1, 20), ActivityKind.MEETING, 2, "Vorstellung des Programms im Sozialamt."),
    (
        dt.date(2026, 2, 3),
        ActivityKind.VISIT,
        1,
        "Besuch der Ausländerbehörde: Ablauf der "
        "Meldungen neu zugewiesener junger Erwachsener abgestimmt.",
    ),
    (dt.date(2026, 2, 17), ActivityKind.INFORMATION_EVENT, 4, "Infoabend für Ehrenamtliche."),
    (
        dt.date(2026, 3, 5),
        ActivityKind.PHONE_EMAIL,
        3,
        "Absprache mit dem Berufskolleg zu freien Plätzen in den Internationalen Förderklassen.",
    ),
    (dt.date(2026, 4, 14), ActivityKind.VISIT, 0, "Besuch im Jobcenter, U25-Team."),
    (dt.date(2026, 5, 12), ActivityKind.MEETING, 5, "Arbeitskreis Migration."),
    (
        dt.date(2026, 6, 9),
        ActivityKind.INFORMATION_EVENT,
        1,
        "Informationsveranstaltung in einer Unterkunft.",
    ),
    (
        dt.date(2026, 8, 25),
        ActivityKind.PHONE_EMAIL,
        0,
        "Telefonische Abstimmung mit der Migrationsberatung.",
    ),
    (dt.date(2026, 9, 8), ActivityKind.VISIT, 2, "Besuch der Ehrenamtsinitiative."),
    (dt.date(2026, 10, 13), ActivityKind.OTHER, 0, "Beitrag im Newsletter des Kreises."),
    (dt.date(2026, 11, 3), ActivityKind.MEETING, 3, "Runder Tisch Ausbildung mit Betrieben."),
)


def _activities(district, coordinator, partners, result, today) -> None:
    towns = list(Municipality.objects.filter(district=district).order_by("name"))
    if not towns:
        return
    recorder = _owner(district, coordinator)
    for number, (day, kind, partner_index, description) in enumerate(ACTIVITIES):
        if day > today:
            continue
        if NetworkActivity.objects.filter(
            district=district, date=day, kind=kind, description=description
        ).exists():
            continue
        activity_services.activity_create(
            actor=recorder if number % 2 else coordinator,
            district=district,
            date=day,
            kind=kind,
            description=description,
            # Every third activity concerns the whole district.
            municipality=None if number % 3 == 2 else towns[number % len(towns)],
            partners=[partners[partner_index]] if partners else [],
        )
        result.activities += 1


@transaction.atomic
def seed_demo_network(
    districts: dict[str, District], *, today: dt.date | None = None
) -> DemoNetworkResult:
    """Partners, meetings and activities for the demo districts; safe to run repeatedly."""
    today = today or timezone.localdate()
    result = DemoNetworkResult()
    for district in sorted(districts.values(), key=lambda d: d.ags):
        coordinator = _coordinator(district)
        if coordinator is None:
            result.skipped_districts.append(district.ags)
            continue
        partners = _partners(district, coordinator, result)
        _meetings(district, coordinator, partners, result)
        _activities(district, coordinator, partners, result, today)
    return result
