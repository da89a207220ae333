"""Tasks queued while Redis is away wait in the database and run once it is back: none lost,
none run twice, no email sent twice. A real Redis of the tests' own (redis_server.py), the real
RQ backend and worker (in this process, so it shares the test's database), and Django's
local-memory email backend."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import django_rq
import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from redis.backoff import NoBackoff
from redis.retry import Retry
from rq.worker import SimpleWorker

from grassroots.core import taskqueue_rq
from grassroots.core.models import SentEmail, TaskOutbox, TaskRun
from grassroots.core.tasks import send_email, send_email_later
from grassroots.core.tests.redis_server import PORT, RedisServer, redis_server

__all__ = ["redis_server"]

RQ_SETTINGS: dict[str, Any] = {
    "TASKS": {"default": {"BACKEND": "grassroots.core.taskqueue_rq.RQBackend"}},
    "RQ_QUEUES": {
        "default": {
            "HOST": "127.0.0.1",
            "PORT": PORT,
            "DB": 1,
            "REDIS_CLIENT_KWARGS": {"socket_connect_timeout": 0.5, "retry": Retry(NoBackoff(), 0)},
        }
    },
    "RQ": {
        "WORKER_CLASS": "grassroots.core.taskqueue_rq.Worker",
        "JOB_CLASS": "grassroots.core.taskqueue_rq.Job",
    },
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}


class InProcessWorker(SimpleWorker, taskqueue_rq.Worker):
    """Our worker (relaying the outbox, running once per key), running jobs in this process."""


@pytest.fixture
def rq(redis_server: RedisServer, db: None) -> Iterator[RedisServer]:
    with override_settings(**RQ_SETTINGS):
        yield redis_server


def work() -> None:
    """Run the worker until the queue is empty, as `manage.py rqworker --burst` would."""
    queue = django_rq.get_queue("default", job_class=taskqueue_rq.Job)
    worker = InProcessWorker([queue], connection=queue.connection, job_class=taskqueue_rq.Job)
    worker.work(burst=True)


def queued() -> list[str]:
    return list(django_rq.get_queue("default", job_class=taskqueue_rq.Job).get_job_ids())


def relay(*args: str) -> str:
    out = StringIO()
    call_command("relay_tasks", *args, stdout=out, stderr=out)
    return out.getvalue()


def email_later(capture: Callable[..., Any], to: str = "ada@example.org") -> None:
    with capture(execute=True):
        send_email_later(subject="Your help request", body="Somebody answered.", to=[to])


def test_a_task_queued_while_redis_is_down_waits_and_runs_once_it_is_back(
    rq: RedisServer, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    rq.stop()
    email_later(django_capture_on_commit_callbacks)
    waiting = TaskOutbox.objects.get()
    assert waiting.task_path == "grassroots.core.tasks.send_email"
    assert "ConnectionError" in waiting.last_error
    assert "Relayed 0 task(s); 1 waiting." in relay()  # still down: it keeps waiting
    assert TaskOutbox.objects.count() == 1

    rq.start()
    assert "Relayed 1 task(s); 0 waiting." in relay()
    assert not TaskOutbox.objects.exists()
    assert len(queued()) == 1
    work()
    assert [message.to for message in mail.outbox] == [["ada@example.org"]]
    assert "Relayed 0 task(s); 0 waiting." in relay()
    work()
    assert len(mail.outbox) == 1


def test_a_worker_relays_waiting_tasks_when_it_starts(
    rq: RedisServer, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    rq.stop()
    email_later(django_capture_on_commit_callbacks)
    email_later(django_capture_on_commit_callbacks, to="bo@example.org")
    assert TaskOutbox.objects.count() == 2
    rq.start()
    work()  # relays first, then runs what it relayed
    work()
    assert not TaskOutbox.objects.exists()
    assert sorted(message.to[0] for message in mail.outbox) == ["ada@example.org", "bo@example.org"]


def test_a_web_process_hands_its_waiting_tasks_over_when_redis_takes_its_next_task(
    rq: RedisServer, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    rq.stop()
    email_later(django_capture_on_commit_callbacks)
    rq.start()
    email_later(django_capture_on_commit_callbacks, to="bo@example.org")
    assert not TaskOutbox.objects.exists()
    assert len(queued()) == 2


def test_a_task_relayed_twice_is_one_job_and_runs_once(
    rq: RedisServer, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    rq.stop()
    email_later(django_capture_on_commit_callbacks)
    row = TaskOutbox.objects.get()
    rq.start()
    relay()
    # A relay that put the job in the queue but died before deleting the row: the row is back.
    row.pk = None
    row.save()
    assert "Relayed 1 task(s); 0 waiting." in relay()
    assert len(queued()) == 1
    work()
    assert len(mail.outbox) == 1


def test_a_job_delivered_twice_runs_once_and_sends_one_email(
    rq: RedisServer, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    email_later(django_capture_on_commit_callbacks)
    (job_id,) = queued()
    queue = django_rq.get_queue("default", job_class=taskqueue_rq.Job)
    queue.connection.rpush(queue.key, job_id)  # RQ hands the same job out a second time
    work()
    assert len(mail.outbox) == 1
    assert TaskRun.objects.get().finished_at is not None
    assert SentEmail.objects.get().sent_at is not None


def test_a_key_queued_again_after_redis_forgot_the_job_does_not_run_again(
    rq: RedisServer, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    """Redis restarted empty after the job ran: the same key handed over again makes a new
    job, and the worker finds the key has run (the claim is in the database)."""
    rq.stop()
    email_later(django_capture_on_commit_callbacks)
    row = TaskOutbox.objects.get()
    rq.start()
    relay()
    work()
    assert len(mail.outbox) == 1
    rq.stop()
    rq.start()  # empty
    row.pk = None
    row.save()
    relay()
    assert len(queued()) == 1
    work()
    assert len(mail.outbox) == 1


def test_an_email_task_run_twice_sends_the_email_once(rq: RedisServer) -> None:
    data: dict[str, Any] = {
        "subject": "Reminder",
        "body": "Tomorrow at 7.",
        "to": ["ada@example.org"],
        "idempotency_key": "event-reminder:12:ada",
    }
    assert send_email.call(**data) == 1
    assert send_email.call(**data) == 0
    assert len(mail.outbox) == 1


def test_the_same_words_sent_again_later_are_a_new_email(
    rq: RedisServer, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    email_later(django_capture_on_commit_callbacks)
    email_later(django_capture_on_commit_callbacks)
    work()
    assert len(mail.outbox) == 2


def test_an_email_with_a_callers_key_goes_once_however_often_it_is_queued(
    rq: RedisServer, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            send_email_later(
                subject="Case 12 is overdue",
                body="It was wanted by 1 May.",
                to=["housing@example.gov.uk"],
                key="support.case-overdue:12",
            )
    work()
    assert len(mail.outbox) == 1


def test_relay_refuses_bad_input(rq: RedisServer) -> None:
    with pytest.raises(CommandError, match="at least 1"):
        relay("--limit", "0")
    with pytest.raises(CommandError, match="invalid int value"):
        relay("--limit", "lots")
    with pytest.raises(CommandError, match="at least 7"):
        relay("--prune-days", "1")
    with pytest.raises(CommandError, match="unrecognized arguments"):
        relay("--everything")


def test_relay_keeps_a_task_that_no_longer_exists_and_hands_over_the_rest(
    rq: RedisServer, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    TaskOutbox.objects.create(key="gone:1", task_path="grassroots.core.tasks.no_such_task")
    TaskOutbox.objects.create(key="gone:2", task_path="grassroots.core.tasks.enqueue")
    rq.stop()
    email_later(django_capture_on_commit_callbacks)
    rq.start()
    output = relay()
    assert "Relayed 1 task(s); 2 waiting." in output
    assert "2 waiting task(s) name a task that no longer exists" in output
    assert set(TaskOutbox.objects.values_list("key", flat=True)) == {"gone:1", "gone:2"}
    assert TaskOutbox.objects.get(key="gone:2").last_error.startswith("TypeError")
    with pytest.raises(CommandError, match="2 task"):
        relay("--check")
    work()
    assert len(mail.outbox) == 1


def test_every_task_is_queued_through_taskqueue_enqueue() -> None:
    """One home for queuing: anything else calling a task's .enqueue() would bypass the
    outbox, the key and the commit."""
    root = Path(__file__).resolve().parents[2]
    allowed = {root / "core" / "taskqueue.py"}
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path not in allowed
        and "tests" not in path.parts
        and re.search(r"\.enqueue\(", path.read_text())
    ]
    assert offenders == []
