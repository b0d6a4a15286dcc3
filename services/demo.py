"""A demo programme: three Partnerships, organisations of every type in six countries, one
account for every role. Idempotent: running it again adds nothing that is there already.

Data goes through the same service functions that users trigger, so the demo is also a
check that they work.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from db.models import Partnership
from domain.enums import OrgType, Role
from services.accounts import Registration, create_admin, create_coordinator, find_user, register_participant
from services.partnerships import PartnershipInput, create_partnership

DEMO_PASSWORD = "demo-cxc-exchange-2026"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    belongs_to: str
    password: str = DEMO_PASSWORD


PARTNERSHIPS = (
    PartnershipInput(
        name="Digital Industry Bridge",
        acronym="DIB",
        contact_email="dib@example.eu",
        profile="Clusters of digital and electronics firms from Portugal, Spain and Poland.",
        countries=["PT", "ES", "PL"],
        ecosystems=["Digital", "Electronics"],
    ),
    PartnershipInput(
        name="Green Mobility Alliance",
        acronym="GMA",
        contact_email="gma@example.eu",
        profile="Mobility, transport and renewable-energy clusters of France, Austria and Slovakia.",
        countries=["FR", "AT", "SK"],
        ecosystems=["Mobility–Transport–Automotive", "Energy – renewables"],
    ),
    PartnershipInput(
        name="Health and Agri-food Partnership",
        acronym="HAP",
        contact_email="hap@example.eu",
        profile="Health and agri-food clusters of Greece, Bulgaria and Poland.",
        countries=["GR", "BG", "PL", "PT"],
        ecosystems=["Health", "Agri-food"],
    ),
)

COORDINATORS = (
    ("coord.dib", "DIB", "Inês Carvalho"),
    ("coord.gma", "GMA", "Élodie Martin"),
    ("coord.hap", "HAP", "Γιώργος Παπαδόπουλος"),
)

ORGANISATIONS = (
    ("porto.cluster", "Ana Sousa", "Porto Digital Cluster", OrgType.CLUSTER, "PT", "Porto"),
    ("tallinn.cluster", "Mari Tamm", "Tallinn ICT Cluster", OrgType.CLUSTER, "EE", "Tallinn"),
    ("milano.sme", "Giulia Rossi", "Milano Robotics S.r.l.", OrgType.SME, "IT", "Milan"),
    ("gent.hub", "Pieter Janssens", "Gent Bio Hub", OrgType.SCALING_UP_SUPPORT, "BE", "Ghent"),
    ("riga.cluster", "Anna Bērziņa", "Riga Wood Cluster", OrgType.CLUSTER, "LV", "Riga"),
    ("ljubljana.hub", "Nina Kovač", "Ljubljana Tech Park", OrgType.SCALING_UP_SUPPORT, "SI", "Ljubljana"),
    ("dublin.sme", "Seán Murphy", "Dublin Med Devices Ltd", OrgType.SME, "IE", "Dublin"),
    ("cork.cluster", "Aoife Byrne", "Cork Food Cluster", OrgType.CLUSTER, "IE", "Cork"),
    ("krakow.sme", "Piotr Nowak", "Kraków Games sp. z o.o.", OrgType.SME, "PL", "Kraków"),
    ("braga.cluster", "Rui Costa", "Braga Textile Cluster", OrgType.CLUSTER, "PT", "Braga"),
    ("espoo.hub", "Aino Virtanen", "Espoo Innovation Garden", OrgType.SCALING_UP_SUPPORT, "FI", "Espoo"),
    ("tartu.sme", "Kadri Kask", "Tartu Food Tech OÜ", OrgType.SME, "EE", "Tartu"),
    ("turku.cluster", "Mikko Laine", "Turku Maritime Cluster", OrgType.CLUSTER, "FI", "Turku"),
    ("lyon.sme", "Julien Bernard", "Lyon Mobility Labs SARL", OrgType.SME, "FR", "Lyon"),
    ("wien.hub", "Katharina Huber", "Wiener Innovation Hub", OrgType.SCALING_UP_SUPPORT, "AT", "Vienna"),
    ("bratislava.pa", "Marek Kováč", "Bratislava City Office", OrgType.PUBLIC_AUTHORITY, "SK", "Bratislava"),
    ("lodz.large", "Łukasz Wójcik", "Łódź Textile Works S.A.", OrgType.LARGE_COMPANY, "PL", "Łódź"),
    ("sofia.training", "Мария Иванова", "София Академия за обучение", OrgType.TRAINING_PROVIDER, "BG", "Sofia"),
    ("athens.cluster", "Ελένη Γεωργίου", "Athens Health Cluster", OrgType.CLUSTER, "GR", "Athens"),
    ("valencia.sme", "Lucía García", "Valencia Agro Tech S.L.", OrgType.SME, "ES", "Valencia"),
)


def seed_demo(session: Session) -> list[DemoAccount]:
    accounts: list[DemoAccount] = []
    admin = find_user(session, "admin")
    if admin is None:
        admin = create_admin(
            session=session,
            username="admin",
            email="admin@example.eu",
            full_name="Support Office Admin",
            password=DEMO_PASSWORD,
            password_repeat=DEMO_PASSWORD,
        )
    accounts.append(DemoAccount("admin", Role.ADMIN, "Support Office"))
    by_acronym: dict[str, Partnership] = {}
    for data in PARTNERSHIPS:
        existing = session.exec(select(Partnership).where(Partnership.acronym == data.acronym)).first()
        by_acronym[data.acronym] = existing or create_partnership(session=session, actor=admin, data=data)
    for username, acronym, name in COORDINATORS:
        if find_user(session, username) is None:
            create_coordinator(
                session=session,
                actor=admin,
                partnership_id=by_acronym[acronym].id,  # type: ignore[arg-type]
                username=username,
                email=f"{username}@example.eu",
                full_name=name,
                password=DEMO_PASSWORD,
                password_repeat=DEMO_PASSWORD,
            )
        accounts.append(DemoAccount(username, Role.COORDINATOR, by_acronym[acronym].name))
    for username, person, org_name, org_type, country, city in ORGANISATIONS:
        user = find_user(session, username)
        if user is None:
            user = register_participant(
                session=session,
                data=Registration(
                    username=username,
                    email=f"{username}@example.eu",
                    full_name=person,
                    password=DEMO_PASSWORD,
                    password_repeat=DEMO_PASSWORD,
                    organisation_name=org_name,
                    organisation_type=org_type.value,
                    country=country,
                    city=city,
                ),
            )
        accounts.append(DemoAccount(username, Role.PARTICIPANT, org_name))
    from services.demo_journey import seed_journey

    seed_journey(session)
    return accounts
