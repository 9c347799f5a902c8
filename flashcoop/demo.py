"""`flashcoop demo`: a realistic live cohort a newcomer can click through."""

from __future__ import annotations

from datetime import datetime, timedelta

from flashcoop.accounts.models import User
from flashcoop.accounts.services import create_user
from flashcoop.cohorts.joining import JoinRequest, join_cohort
from flashcoop.cohorts.launch import CohortDraft, ProductDraft, create_cohort
from flashcoop.cohorts.models import Cohort, Participant
from flashcoop.core.clock import utcnow
from flashcoop.core.principal import Principal
from flashcoop.core.settings import Settings
from flashcoop.ledger.demo import record_demo_sales

FACILITATOR = ("animatrice@demo.flashcoop.org", "demo-animatrice")
FUNDER = ("financeur@demo.flashcoop.org", "demo-financeur")
ADMIN = ("admin@demo.flashcoop.org", "demo-admin")
MEMBERS = [
    ("Aïcha", "1234"),
    ("Jean-Marc", "2345"),
    ("Léa", "3456"),
    ("Mamadou", "4567"),
    ("O'Neil", "5678"),
]


async def load_demo(settings: Settings) -> str:
    """Create the demo accounts and cohorts (once); return how to sign in."""
    if not await User.exists(email=FACILITATOR[0]):
        await create_user(email=ADMIN[0], role="admin", password=ADMIN[1], name="Admin")
        facilitator = await create_user(
            email=FACILITATOR[0],
            role="facilitator",
            password=FACILITATOR[1],
            name="Camille Animatrice",
            organisation="CAE Coopaname Démo",
        )
        funder = await create_user(
            email=FUNDER[0],
            role="funder",
            password=FUNDER[1],
            name="Service Insertion",
            organisation="Département de la Démo",
        )
        demo_cohort = await _live_cohort(settings, facilitator, funder.organisation_id)
        await record_demo_sales(demo_cohort, facilitator)
    live = await Cohort.filter(name="Épicerie éphémère du quartier").first()
    base = settings.base_url.rstrip("/")
    lines = [
        f"Demo ready at {base}",
        f"  facilitator: {FACILITATOR[0]} / {FACILITATOR[1]}",
        f"  funder:      {FUNDER[0]} / {FUNDER[1]}",
        f"  admin:       {ADMIN[0]} / {ADMIN[1]}",
    ]
    if live is not None:
        lines.append(f"  participants join at {base}/j/{live.join_code} (e.g. Aïcha, PIN 1234)")
    return "\n".join(lines)


async def _live_cohort(settings: Settings, facilitator: User, funder_id: int | None) -> Cohort:
    now = utcnow()
    start = (now - timedelta(days=2)).replace(hour=7, minute=0, second=0, microsecond=0)
    assert facilitator.organisation_id is not None
    draft = CohortDraft(
        name="Épicerie éphémère du quartier",
        activity="Épicerie solidaire et jus de fruits frais",
        location="Marché Saint-Martin, Paris 10e",
        starts_at=start,
        ends_at=start + timedelta(days=12, hours=11),
        structure_id=facilitator.organisation_id,
        timezone="Europe/Paris",
        surplus_rule="equal",
        programme="flashcoop-7-days",
        products=(
            ProductDraft("Jus d'orange pressé", 250),
            ProductDraft("Panier de légumes", 800),
            ProductDraft("Confiture maison", 450),
            ProductDraft("Cookie", 120),
        ),
        funder_ids=(funder_id,) if funder_id else (),
    )
    cohort = await create_cohort(draft, principal=Principal(user=facilitator))
    members = []
    for name, pin in MEMBERS:
        member, _ = await join_cohort(
            JoinRequest(cohort.join_code, name, pin),
            client="demo",
            max_failures=1000,
            now=now,
        )
        members.append(member)
    await _past_attendance(cohort, members, facilitator, now)
    return cohort


async def _past_attendance(
    cohort: Cohort, members: list[Participant], facilitator: User, now: datetime
) -> None:
    """Mark attendance at the workshops already held, as a facilitator would have."""
    from flashcoop.workshops.attendance import record_attendance
    from flashcoop.workshops.models import Workshop

    pattern = ["present", "present", "late", "present", "excused", "absent"]
    held = await Workshop.filter(cohort_id=cohort.id, ends_at__lte=now).order_by("starts_at")
    for w_index, workshop in enumerate(held):
        for m_index, member in enumerate(members):
            status = pattern[(w_index + m_index * 2) % len(pattern)]
            await record_attendance(
                workshop,
                cohort,
                participant_id=member.id,
                status=status,
                by=facilitator,
                now=workshop.ends_at,
            )
