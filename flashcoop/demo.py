"""`flashcoop demo`: a realistic live cohort a newcomer can click through, and a closed one
with its shares, certificates and closure report (what a funder looks at)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flashcoop.accounts.models import User
from flashcoop.accounts.services import create_user
from flashcoop.cohorts.joining import JoinRequest, join_cohort
from flashcoop.cohorts.launch import CohortDraft, ProductDraft, create_cohort
from flashcoop.cohorts.models import CLOSED, Cohort, Participant
from flashcoop.core.clock import utcnow
from flashcoop.core.principal import Principal
from flashcoop.core.settings import Settings
from flashcoop.ledger.demo import record_demo_sales

FACILITATOR = ("animatrice@demo.flashcoop.org", "demo-animatrice")
FUNDER = ("financeur@demo.flashcoop.org", "demo-financeur")
ADMIN = ("admin@demo.flashcoop.org", "demo-admin")
LIVE = "Épicerie éphémère du quartier"
CLOSED_NAME = "Traiteur solidaire de l'été"
MEMBERS = [
    ("Aïcha", "1234"),
    ("Jean-Marc", "2345"),
    ("Léa", "3456"),
    ("Mamadou", "4567"),
    ("O'Neil", "5678"),
]
CLOSED_MEMBERS = [
    ("Fatou", "1111", "female", 1994),
    ("Karim", "2222", "male", 2001),
    ("Nadia", "3333", "female", 1987),
    ("Sacha", "4444", "other", 1999),
    ("Youssef", "5555", "male", 1979),
]
# Each member's situation at exit, as the facilitator records it.
OUTCOMES = ("training", "transition_job", "job_search", "business_creation", "durable_job")


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
    if not await Cohort.exists(name=CLOSED_NAME):
        await _closed_cohort(settings)
    live = await Cohort.filter(name=LIVE).first()
    closed = await Cohort.filter(name=CLOSED_NAME).first()
    base = settings.base_url.rstrip("/")
    lines = [
        f"Demo ready at {base}",
        f"  facilitator: {FACILITATOR[0]} / {FACILITATOR[1]}",
        f"  funder:      {FUNDER[0]} / {FUNDER[1]}",
        f"  admin:       {ADMIN[0]} / {ADMIN[1]}",
    ]
    if live is not None:
        lines.append(f"  participants join at {base}/j/{live.join_code} (e.g. Aïcha, PIN 1234)")
    if closed is not None:
        lines.append(
            f"  closed cohort (shares, certificates, report): {base}/cohorts/{closed.id}"
            f" — the funder sees it too"
        )
    return "\n".join(lines)


async def _live_cohort(settings: Settings, facilitator: User, funder_id: int | None) -> Cohort:
    now = utcnow()
    start = (now - timedelta(days=2)).replace(hour=7, minute=0, second=0, microsecond=0)
    assert facilitator.organisation_id is not None
    draft = CohortDraft(
        name=LIVE,
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


async def _closed_cohort(settings: Settings) -> Cohort:
    """A cohort that ran last month and closed: its books, attendance, assessments and exit
    situations, then the real closure (shares, certificates, report, webhook, messages)."""
    from flashcoop.closure.engine import close_cohort
    from flashcoop.closure.outcomes import OutcomeDraft, record_outcome

    facilitator = await User.get(email=FACILITATOR[0])
    funder = await User.get(email=FUNDER[0])
    now = utcnow()
    start = (now - timedelta(days=40)).replace(hour=7, minute=0, second=0, microsecond=0)
    assert facilitator.organisation_id is not None
    draft = CohortDraft(
        name=CLOSED_NAME,
        activity="Plateaux-repas et buffets pour les associations du quartier",
        location="Maison des associations, Lyon 8e",
        starts_at=start,
        ends_at=start + timedelta(days=11, hours=11),
        structure_id=facilitator.organisation_id,
        timezone="Europe/Paris",
        surplus_rule="hours",
        attendance_threshold=60,
        programme="flashcoop-7-days",
        products=(
            ProductDraft("Plateau-repas", 1200),
            ProductDraft("Buffet 10 personnes", 9500),
            ProductDraft("Jus maison", 300),
        ),
        funder_ids=(funder.organisation_id,) if funder.organisation_id else (),
    )
    cohort = await create_cohort(draft, principal=Principal(user=facilitator))
    joined = start + timedelta(hours=1)
    members = []
    for name, pin, gender, birth_year in CLOSED_MEMBERS:
        member, _ = await join_cohort(
            JoinRequest(cohort.join_code, name, pin), client="demo", max_failures=1000, now=joined
        )
        # The profile is kept only with its consent (docs/privacy.md): the demo's members gave it.
        member.consent_profile, member.gender, member.birth_year = True, gender, birth_year
        member.consent_share_name = name in ("Fatou", "Nadia")
        await member.save(
            update_fields=["consent_profile", "gender", "birth_year", "consent_share_name"]
        )
        members.append(member)
    last_day = cohort.ends_at - timedelta(hours=2)
    await _past_attendance(cohort, members, facilitator, last_day)
    await record_demo_sales(cohort, facilitator, now=last_day)
    await _assessments(cohort, members, facilitator, last_day)
    for member, situation in zip(members, OUTCOMES, strict=True):
        await record_outcome(cohort, member, OutcomeDraft(situation), by=facilitator, now=last_day)
    await close_cohort(cohort.id, trigger="schedule", settings=settings, now=now)
    closed = await Cohort.get(id=cohort.id)
    assert closed.status == CLOSED, "the demo's closed cohort did not close"
    return closed


async def _assessments(
    cohort: Cohort, members: list[Participant], facilitator: User, now: datetime
) -> None:
    """A few levels, as the facilitator assessed the group at the results review."""
    from flashcoop.certificates.assessments import record_assessment

    staff = Principal(user=facilitator)
    for index, member in enumerate(members):
        for offset, competence in enumerate(("1.1", "2.2", "3.4")):
            await record_assessment(
                cohort,
                staff,
                participant_id=member.id,
                competence=competence,
                level=1 + (index + offset) % 3,
                now=now,
            )
