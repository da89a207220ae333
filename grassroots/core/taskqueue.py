"""The one way a task is queued: `enqueue(task, *args, key=..., **kwargs)` (decision record 0012).

- It queues after the surrounding transaction commits (a rolled-back write queues nothing).
- Each queued task has a key: the caller's, when the task stands for something that must
  happen once ("the overdue notice for case 12"), or a fresh random one. With the RQ backend the
  key becomes the job's id (`rq_job_id`), so handing the same key to Redis twice makes one job,
  and the worker claims the key in `TaskRun` before running it (`taskqueue_rq.Job`), so a job
  delivered twice runs once.
- If Redis cannot be reached, the task is written to the database (`TaskOutbox`) instead, and
  `relay()` hands it over once Redis answers: run by `manage.py relay_tasks`, by every RQ worker
  every few seconds (`taskqueue_rq.Worker`), and by a web process straight after it has queued
  something again itself.

The database and immediate backends (the default, and the tests') take the task as before.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import threading
import uuid
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Protocol, runtime_checkable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task

from grassroots.core.cache import UNAVAILABLE
from grassroots.core.models import SentEmail, TaskOutbox, TaskRun

logger = logging.getLogger(__name__)

# Keys longer than this are stored as their hash.
MAX_KEY_LENGTH = 150
# How many outbox rows one relay hands over at most (a cron run or a worker's turn).
RELAY_BATCH = 500


@runtime_checkable
class KeyedBackend(Protocol):
    """A task backend that takes the task's key with it (taskqueue_rq.RQBackend)."""

    def enqueue_keyed(
        self, task: Task[Any, Any], args: list[Any], kwargs: dict[str, Any], *, key: str
    ) -> Any: ...


def normal_key(key: str) -> str:
    key = str(key)
    if len(key) <= MAX_KEY_LENGTH:
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def rq_job_id(key: str) -> str:
    """The RQ job id for a key: the same key always gives the same id."""
    return "gr-" + hashlib.sha256(normal_key(key).encode()).hexdigest()[:40]


def enqueue(
    task: Task[Any, Any],
    *args: Any,
    key: str | None = None,
    run_after: datetime.datetime | None = None,
    **kwargs: Any,
) -> str:
    """Queue `task(*args, **kwargs)` once the current transaction commits; returns its key.

    Give `key` when the task must happen once whatever happens ("case-overdue:12"); without it
    each call is its own task. Arguments must be JSON (they may wait in the database)."""
    key = normal_key(key or f"{task.module_path}:{uuid.uuid4().hex}")
    transaction.on_commit(partial(_hand_over, task, list(args), dict(kwargs), key, run_after))
    return key


@dataclass
class _ProcessState:
    lock: threading.Lock = field(default_factory=threading.Lock)
    wrote_to_outbox: bool = False


_STATE = _ProcessState()


def _hand_over(
    task: Task[Any, Any],
    args: list[Any],
    kwargs: dict[str, Any],
    key: str,
    run_after: datetime.datetime | None,
) -> None:
    if run_after is not None:
        task = task.using(run_after=run_after)
    backend = task.get_backend()
    if not isinstance(backend, KeyedBackend):
        task.enqueue(*args, **kwargs)
        return
    try:
        backend.enqueue_keyed(task, args, kwargs, key=key)
    except UNAVAILABLE as error:
        _to_outbox(task, args, kwargs, key, error)
        return
    if _STATE.wrote_to_outbox:
        # Redis answers again and this process left tasks waiting: hand them over now.
        with _STATE.lock:
            _STATE.wrote_to_outbox = False
        relay(limit=50)


def _to_outbox(
    task: Task[Any, Any], args: list[Any], kwargs: dict[str, Any], key: str, error: BaseException
) -> None:
    TaskOutbox.objects.get_or_create(
        key=key,
        defaults={
            "task_path": task.module_path,
            "args": args,
            "kwargs": kwargs,
            "queue_name": task.queue_name,
            "priority": task.priority,
            "run_after": task.run_after,
            "last_error": f"{type(error).__name__}: {error}"[:2000],
        },
    )
    with _STATE.lock:
        _STATE.wrote_to_outbox = True
    logger.warning(
        "Task queue unavailable (%s: %s): %s kept in the database outbox until it returns",
        type(error).__name__,
        error,
        task.module_path,
    )


@dataclass
class RelayResult:
    relayed: int = 0
    waiting: int = 0
    broken: list[str] = field(default_factory=list)
    error: str = ""


def relay(*, limit: int = RELAY_BATCH) -> RelayResult:
    """Hand waiting outbox tasks to the queue, oldest first, at most `limit`. Stops at the first
    sign that Redis is still away (the rest wait for the next run). A row whose task no longer
    exists is kept, counted in `broken`, for an operator to look at. Safe to run in several
    processes at once: each row is locked while it is handed over, and handing a key over twice
    makes one job."""
    result = RelayResult()
    for pk in list(TaskOutbox.objects.order_by("id").values_list("pk", flat=True)[:limit]):
        try:
            with transaction.atomic():
                row = TaskOutbox.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
                if row is None:
                    continue  # another relay has it, or has handed it over
                try:
                    task = _task_for(row)
                except (ImportError, TypeError, ValueError) as error:
                    row.attempts += 1
                    row.last_error = f"{type(error).__name__}: {error}"[:2000]
                    row.save(update_fields=["attempts", "last_error"])
                    result.broken.append(row.key)
                    logger.error("Outbox task %s cannot be relayed: %s", row.task_path, error)
                    continue
                backend = task.get_backend()
                if isinstance(backend, KeyedBackend):
                    backend.enqueue_keyed(task, list(row.args), dict(row.kwargs), key=row.key)
                else:
                    task.enqueue(*row.args, **row.kwargs)
                row.delete()
                result.relayed += 1
        except UNAVAILABLE as error:
            result.error = f"{type(error).__name__}: {error}"
            TaskOutbox.objects.filter(pk=pk).update(last_error=result.error[:2000])
            break
    result.waiting = TaskOutbox.objects.count()
    if result.relayed:
        logger.info("Relayed %d waiting tasks to the queue", result.relayed)
    return result


def _task_for(row: TaskOutbox) -> Task[Any, Any]:
    task = import_string(row.task_path)
    if not isinstance(task, Task):
        raise TypeError(f"{row.task_path} is not a task")
    options: dict[str, Any] = {"queue_name": row.queue_name, "priority": row.priority}
    if row.run_after is not None and row.run_after > timezone.now():
        options["run_after"] = row.run_after
    return task.using(**options)


# --- Running once per key (used by the RQ worker's job class)


def run_claim(key: str, task_path: str) -> bool:
    """Claim the run of `key`; False if it has run, or is running, already."""
    try:
        with transaction.atomic():
            TaskRun.objects.create(key=key, task_path=task_path, started_at=timezone.now())
    except IntegrityError:
        return False
    return True


def run_finished(key: str) -> None:
    TaskRun.objects.filter(key=key).update(finished_at=timezone.now())


def run_failed(key: str) -> None:
    """The run raised: release the claim so a retry (or a requeue by an operator) may run."""
    TaskRun.objects.filter(key=key, finished_at__isnull=True).delete()


def prune(*, older_than: datetime.timedelta = datetime.timedelta(days=30)) -> int:
    """Forget run and email claims older than `older_than` (no delivery is that late)."""
    before = timezone.now() - older_than
    runs, _ = TaskRun.objects.filter(started_at__lt=before).delete()
    emails, _ = SentEmail.objects.filter(claimed_at__lt=before).delete()
    return runs + emails
