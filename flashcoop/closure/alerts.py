"""Who is told what when a cohort closes: the members (once), and the staff when it cannot.

The members' messages go through the notify domain (in the app, then e-mail or SMS from the
outbox). Staff users have no in-app inbox: a stopped closure shows on the cohort's dashboard
and its closure page, is logged as an error, and is e-mailed through the outbox.
"""

from __future__ import annotations

import logging
from datetime import datetime

from tortoise.expressions import Q

from flashcoop.accounts.models import User
from flashcoop.certificates.models import Certificate
from flashcoop.cohorts.members import members
from flashcoop.cohorts.models import Cohort
from flashcoop.core import i18n
from flashcoop.core.errors import N_
from flashcoop.core.settings import Settings
from flashcoop.notify.models import OutboxMessage
from flashcoop.notify.services import notify_members

log = logging.getLogger("flashcoop.closure")

CERTIFICATE_READY = N_("{cohort} is closed. Your certificate is ready: download it from your page.")
CLOSED = N_("{cohort} is closed. Thank you for taking part!")
LEDGER_BROKEN_SUBJECT = N_("Closure stopped: the books of {cohort} do not verify")
LEDGER_BROKEN_BODY = N_(
    "The closure of {cohort} stopped: its ledger's hash chain breaks at entry #{seq}. "
    "Nothing was shared and no certificate was issued. An administrator checks it with "
    "`flashcoop ledger verify {cohort_id}`, then closes the cohort again from its page."
)


async def tell_members(cohort: Cohort, *, settings: Settings, now: datetime) -> int:
    """Tell each member the cohort is closed, and those holding a certificate that it is ready.

    Not idempotent by itself: the engine calls it once, guarded by the closure's step."""
    people = await members(cohort.id)
    holders = set(
        await Certificate.filter(cohort_id=cohort.id, revoked_at__isnull=True).values_list(
            "participant_id", flat=True
        )
    )
    params = {"cohort": cohort.name}
    told = 0
    for msgid, group in (
        (CERTIFICATE_READY, [p for p in people if p.id in holders]),
        (CLOSED, [p for p in people if p.id not in holders]),
    ):
        told += await notify_members(
            group,
            kind="cohort_closed",
            msgid=msgid,
            params=params,
            link="/me",
            settings=settings,
            now=now,
        )
    return told


async def tell_staff_ledger_broken(
    cohort: Cohort, first_bad_seq: int | None, *, settings: Settings, now: datetime
) -> int:
    """Log the stopped closure and e-mail the cohort's facilitators and the administrators."""
    log.error(
        "closure of cohort %s stopped: ledger chain breaks at entry #%s", cohort.id, first_bad_seq
    )
    if not settings.smtp_url:
        return 0
    staff = await User.filter(
        Q(role="admin") | Q(role="facilitator", organisation_id=cohort.structure_id),
        is_active=True,
    ).order_by("id")
    params = {"cohort": cohort.name, "cohort_id": str(cohort.id), "seq": first_bad_seq or "?"}
    previous = i18n.current_language()
    i18n.set_language(settings.default_language)
    try:
        subject = i18n.gettext(LEDGER_BROKEN_SUBJECT).format(**params)
        body = i18n.gettext(LEDGER_BROKEN_BODY).format(**params)
    finally:
        i18n.set_language(previous)
    link = f"{settings.base_url.rstrip('/')}/cohorts/{cohort.id}/close"
    await OutboxMessage.bulk_create(
        [
            OutboxMessage(
                channel="email",
                recipient=user.email,
                subject=subject[:200],
                body=f"{body}\n\n{link}\n",
                next_attempt_at=now,
                created_at=now,
            )
            for user in staff
        ]
    )
    return len(staff)
