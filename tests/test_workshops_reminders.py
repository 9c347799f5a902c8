import asyncio
import dataclasses
import json
from datetime import timedelta

import httpx

from flashcoop.core.clock import utcnow
from flashcoop.domains import house
from flashcoop.notify import services as notify
from flashcoop.notify.models import Notification, OutboxMessage
from flashcoop.notify.services import deliver_outbox, sign, webhook_secret
from flashcoop.workshops.drafts import WorkshopChanges
from flashcoop.workshops.models import Reminder
from flashcoop.workshops.reminders import send_due_reminders
from flashcoop.workshops.services import cancel_workshop, update_workshop
from tests.factories import make_cohort, make_participant
from tests.workshop_helpers import make_workshop


async def _setup(days: int = 2):
    now = utcnow()
    cohort = await make_cohort(starts_at=now - timedelta(hours=1), ends_at=now + timedelta(days=9))
    start = now + timedelta(days=days)
    workshop = await make_workshop(cohort, starts_at=start, location="Salle 2")
    aicha = await make_participant(cohort, "Aïcha")
    aicha.email = "aicha@example.org"
    await aicha.save()
    bob = await make_participant(cohort, "Bob")
    return cohort, workshop, aicha, bob, start


async def _reminders(participant):
    return await Notification.filter(participant_id=participant.id, kind="workshop_reminder")


async def test_sweeps_are_registered():
    names = {job.name for job in house().jobs}
    assert {"reminders", "outbox"} <= names


async def test_reminders_due_24h_and_1h_before_sent_once(app, settings):
    _cohort, _workshop, aicha, bob, start = await _setup()
    assert await send_due_reminders(settings, start - timedelta(hours=25)) == 0
    assert await send_due_reminders(settings, start - timedelta(hours=24)) == 1
    assert await send_due_reminders(settings, start - timedelta(hours=23)) == 0
    assert len(await _reminders(aicha)) == 1 and len(await _reminders(bob)) == 1
    assert await send_due_reminders(settings, start - timedelta(minutes=59)) == 1
    assert await send_due_reminders(settings, start - timedelta(minutes=30)) == 0
    assert len(await _reminders(aicha)) == 2
    assert await send_due_reminders(settings, start + timedelta(minutes=1)) == 0


async def test_two_schedulers_racing_send_once(app, settings):
    _cohort, _workshop, aicha, _bob, start = await _setup()
    moment = start - timedelta(hours=23)
    results = await asyncio.gather(
        send_due_reminders(settings, moment), send_due_reminders(settings, moment)
    )
    assert sorted(results) == [0, 1]
    assert len(await _reminders(aicha)) == 1
    assert await Reminder.filter(status="sent").count() == 1


async def test_missed_while_down_sends_only_the_closest_and_only_before_start(app, settings):
    _cohort, _workshop, aicha, _bob, start = await _setup()
    # The server was down from two days before until 30 minutes before the workshop.
    assert await send_due_reminders(settings, start - timedelta(minutes=30)) == 1
    [reminder] = await Reminder.filter(status="sent")
    assert reminder.minutes_before == 60
    assert await Reminder.filter(status="skipped", minutes_before=1440).count() == 1
    assert len(await _reminders(aicha)) == 1


async def test_missed_until_after_start_is_not_sent(app, settings):
    _cohort, _workshop, aicha, _bob, start = await _setup()
    assert await send_due_reminders(settings, start + timedelta(minutes=5)) == 0
    assert await _reminders(aicha) == []


async def test_reschedule_moves_reminders(app, settings):
    cohort, workshop, aicha, _bob, start = await _setup()
    now = start - timedelta(hours=24)
    assert await send_due_reminders(settings, now) == 1
    new_start = start + timedelta(days=2)
    await update_workshop(
        workshop, cohort, WorkshopChanges(starts_at=new_start), settings=settings, now=now
    )
    # Nothing due for the old time any more; the new 24 h reminder comes at its own moment.
    assert await send_due_reminders(settings, start - timedelta(minutes=30)) == 0
    assert await send_due_reminders(settings, new_start - timedelta(hours=24)) == 1
    assert await send_due_reminders(settings, new_start - timedelta(minutes=60)) == 1
    kinds = [n.kind for n in await Notification.filter(participant_id=aicha.id).order_by("id")]
    assert kinds == [
        "workshop_reminder",
        "workshop_moved",
        "workshop_reminder",
        "workshop_reminder",
    ]


async def test_pending_reminder_of_a_moved_workshop_is_skipped(app, settings):
    cohort, workshop, aicha, _bob, start = await _setup()
    # Stored while due, but the workshop moves before the claim: it must not announce the old time.
    await Reminder.create(
        key="manual",
        workshop_id=workshop.id,
        minutes_before=60,
        workshop_starts_at=start,
        due_at=start - timedelta(hours=1),
    )
    await update_workshop(
        workshop,
        cohort,
        WorkshopChanges(starts_at=start + timedelta(days=3)),
        settings=settings,
        now=start - timedelta(hours=2),
    )
    assert await send_due_reminders(settings, start - timedelta(minutes=50)) == 0
    assert (await Reminder.get(key="manual")).status == "skipped"
    assert await _reminders(aicha) == []


async def test_cancelled_workshop_is_not_reminded_and_members_are_told(app, settings):
    cohort, workshop, aicha, _bob, start = await _setup()
    await cancel_workshop(workshop, cohort, settings=settings, now=start - timedelta(days=1))
    assert await send_due_reminders(settings, start - timedelta(minutes=30)) == 0
    kinds = [n.kind for n in await Notification.filter(participant_id=aicha.id)]
    assert kinds == ["workshop_cancelled"]


async def test_reminder_text_is_rendered_in_the_members_language(app, settings):
    from flashcoop.core import i18n

    _cohort, _workshop, aicha, _bob, start = await _setup()
    await send_due_reminders(settings, start - timedelta(hours=1))
    [note] = await _reminders(aicha)
    i18n.set_language("en")
    assert notify.render_text(note.msgid, note.params).startswith("Reminder: workshop")
    assert "Salle 2" in notify.render_text(note.msgid, note.params)
    i18n.set_language("fr")


async def test_channels_email_and_signed_sms_webhook(app, settings, monkeypatch):
    configured = dataclasses.replace(
        settings,
        smtp_url="smtp://mail.example.org:587",
        sms_webhook_url="https://sms.example/hook",
        webhook_secret="shh",
    )
    _cohort, _workshop, _aicha, _bob, start = await _setup()
    now = start - timedelta(hours=1)
    assert await send_due_reminders(configured, now) == 1
    # One e-mail (only Aïcha gave an address), two SMS webhooks.
    assert await OutboxMessage.filter(channel="email").count() == 1
    assert await OutboxMessage.filter(channel="sms").count() == 2

    mails: list[tuple[str, str]] = []

    async def fake_send_email(settings, to, subject, body):
        mails.append((to, subject))

    monkeypatch.setattr(notify, "send_email", fake_send_email)
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200)

    sent = await deliver_outbox(configured, now, transport=httpx.MockTransport(handler))
    assert sent == 3
    assert mails[0][0] == "aicha@example.org" and "Salle 2" in mails[0][1]
    assert len(calls) == 2
    for request in calls:
        timestamp = request.headers["x-flashcoop-timestamp"]
        expected = sign(webhook_secret(configured), timestamp, request.content)
        assert request.headers["x-flashcoop-signature"] == expected
        payload = json.loads(request.content)
        assert payload["event"] == "workshop_reminder"
    # Nothing is delivered twice.
    assert await deliver_outbox(configured, now, transport=httpx.MockTransport(handler)) == 0
    assert len(calls) == 2


async def test_failed_webhook_is_retried_with_backoff_then_given_up(app, settings):
    configured = dataclasses.replace(settings, sms_webhook_url="https://sms.example/hook")
    _cohort, _workshop, _aicha, _bob, start = await _setup()
    now = start - timedelta(hours=1)
    await send_due_reminders(configured, now)
    attempts = {"n": 0}

    def failing(request: httpx.Request) -> httpx.Response:
        attempts["n"] += 1
        return httpx.Response(503)

    transport = httpx.MockTransport(failing)
    assert await deliver_outbox(configured, now, transport=transport) == 0
    message = await OutboxMessage.filter(channel="sms").first()
    assert message.status == "pending" and message.attempts == 1
    assert message.next_attempt_at == now + timedelta(minutes=1)
    # Not retried before its time.
    assert await deliver_outbox(configured, now + timedelta(seconds=30), transport=transport) == 0
    assert attempts["n"] == 2  # two members, one attempt each
    moment = now
    for _ in range(notify.MAX_ATTEMPTS):
        moment += timedelta(hours=7)
        await deliver_outbox(configured, moment, transport=transport)
    assert await OutboxMessage.filter(status="failed").count() == 2
    assert attempts["n"] == 2 * notify.MAX_ATTEMPTS
    ok = httpx.MockTransport(lambda request: httpx.Response(200))
    assert await deliver_outbox(configured, moment + timedelta(days=1), transport=ok) == 0


async def test_two_outbox_workers_deliver_once(app, settings):
    configured = dataclasses.replace(settings, sms_webhook_url="https://sms.example/hook")
    _cohort, _workshop, _aicha, _bob, start = await _setup()
    now = start - timedelta(hours=1)
    await send_due_reminders(configured, now)
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.headers["x-flashcoop-delivery"])
        return httpx.Response(204)

    transport = httpx.MockTransport(handler)
    results = await asyncio.gather(
        deliver_outbox(configured, now, transport=transport),
        deliver_outbox(configured, now, transport=transport),
    )
    assert sum(results) == 2
    assert sorted(calls) == sorted(set(calls)) and len(calls) == 2


def test_backoff_grows_and_is_capped():
    assert notify.backoff(1) == timedelta(minutes=1)
    assert notify.backoff(3) == timedelta(minutes=4)
    assert notify.backoff(30) == timedelta(hours=6)


async def test_claim_left_by_a_dead_worker_is_taken_over(app, settings):
    _cohort, workshop, aicha, _bob, start = await _setup()
    now = start - timedelta(minutes=50)
    await Reminder.create(
        key=f"{workshop.id}:60:{int(start.timestamp())}",
        workshop_id=workshop.id,
        minutes_before=60,
        workshop_starts_at=workshop.starts_at,
        due_at=start - timedelta(hours=1),
        status="sending",
        claimed_at=now - timedelta(minutes=2),
    )
    # Still claimed (maybe still working): nothing happens.
    assert await send_due_reminders(settings, now) == 0
    # Long dead: the claim is taken over and the reminder goes out once.
    assert await send_due_reminders(settings, now + timedelta(minutes=10)) == 1
    assert await send_due_reminders(settings, now + timedelta(minutes=20)) == 0
    assert len(await _reminders(aicha)) == 1


async def test_send_reminders_command(app, settings):
    from flashcoop import cli
    from flashcoop.workshops.cli import cmd_send_reminders, send_once

    args = cli.build_parser().parse_args(["send-reminders"])
    assert args.func is cmd_send_reminders
    _cohort, _workshop, aicha, _bob, _start = await _setup(days=0.02)
    assert await send_once(settings) == "1 reminder(s) sent, 0 message(s) delivered"
    assert len(await _reminders(aicha)) == 1


async def test_send_email_speaks_smtp_with_starttls_and_login(settings, monkeypatch):
    import smtplib

    calls: list[tuple] = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            calls.append(("connect", host, port, timeout))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            calls.append(("quit",))

        def ehlo(self):
            calls.append(("ehlo",))

        def has_extn(self, name):
            return name == "starttls"

        def starttls(self, context):
            calls.append(("starttls",))

        def login(self, user, password):
            calls.append(("login", user, password))

        def send_message(self, message):
            calls.append(("send", message["From"], message["To"], message["Subject"]))

    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    configured = dataclasses.replace(
        settings,
        smtp_url="smtp://bot%40cae.org:p%40ss@mail.example.org:587",
        mail_from="ateliers@cae.org",
    )
    await notify.send_email(configured, "aicha@example.org", "Rappel", "Demain 9h30")
    assert calls[0] == ("connect", "mail.example.org", 587, 10)
    assert ("starttls",) in calls
    assert ("login", "bot@cae.org", "p@ss") in calls
    assert ("send", "ateliers@cae.org", "aicha@example.org", "Rappel") in calls
    assert calls[-1] == ("quit",)
