"""The RQ side of core/taskqueue.py: a backend that makes the job id from the task's key, a job
that runs once per key, and a worker that relays the database outbox while it waits for work.

Settings name them (`TASKS` and `RQ`), so `manage.py rqworker` uses them as it is.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import django_rq
from django import db
from django.conf import settings
from django_tasks.base import TASK_MAX_PRIORITY, Task, TaskResult, TaskResultStatus
from django_tasks.signals import task_enqueued
from django_tasks_rq.backend import Job as TasksJob
from django_tasks_rq.backend import RQBackend as TasksRQBackend
from django_tasks_rq.backend import failed_callback, success_callback
from rq.callbacks import Callback
from rq.job import JobStatus
from rq.worker import Worker as RQWorker

from grassroots.core import taskqueue

logger = logging.getLogger(__name__)

KEY_META = "grassroots_key"


class RQBackend(TasksRQBackend):
    """django-tasks-rq's backend, with the job id made from the task's key: a key handed over
    twice (a relay run twice, two relays at once) is one job while RQ remembers the first."""

    def enqueue(self, task: Task[Any, Any], args: Any, kwargs: Any) -> TaskResult[Any]:
        # A task queued without core.taskqueue.enqueue still gets a key of its own.
        return self.enqueue_keyed(
            task,
            list(args),
            dict(kwargs),
            key=taskqueue.normal_key(f"{task.module_path}:{time.time_ns()}"),
        )

    def enqueue_keyed(
        self, task: Task[Any, Any], args: list[Any], kwargs: dict[str, Any], *, key: str
    ) -> TaskResult[Any]:
        self.validate_task(task)
        job_id = taskqueue.rq_job_id(key)
        result: TaskResult[Any] = TaskResult(
            task=task,
            id=job_id,
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        queue = django_rq.get_queue(task.queue_name, job_class=Job)
        if Job.exists(job_id, connection=queue.connection):
            logger.info("Task %s (%s) is already queued: not queued again", task.module_path, key)
            return result
        job = queue.create_job(
            task.module_path,
            args=args,
            kwargs=kwargs,
            job_id=job_id,
            status=JobStatus.SCHEDULED if task.run_after else JobStatus.QUEUED,
            on_failure=Callback(failed_callback),
            on_success=Callback(success_callback),
            meta={"backend_name": self.alias, KEY_META: key},
        )
        if task.run_after is None:
            job = queue.enqueue_job(job, at_front=task.priority == TASK_MAX_PRIORITY)
        else:
            job = queue.schedule_job(job, task.run_after)
        object.__setattr__(result, "enqueued_at", job.enqueued_at)
        task_enqueued.send(type(self), task_result=result)
        return result


class Job(TasksJob):
    """Runs the task only if its key has not run: the claim is a row in the database
    (`TaskRun`), taken before the task starts and released if it fails."""

    def perform(self) -> Any:
        key = self.meta.get(KEY_META)
        if not key:
            return super().perform()
        if not taskqueue.run_claim(key, self.func_name or ""):
            logger.warning("Task %s (%s) has run already: not run again", self.func_name, key)
            self._result = None
            return None
        try:
            value = super().perform()
        except BaseException:
            taskqueue.run_failed(key)
            raise
        taskqueue.run_finished(key)
        return value


class Worker(RQWorker):
    """RQ's worker, which also hands the database outbox to Redis every RELAY_EVERY seconds
    (and at start), so tasks queued while Redis was away run once it is back without cron."""

    relay_every = float(getattr(settings, "TASK_RELAY_EVERY", 10))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._relayed_at = 0.0

    @property
    def dequeue_timeout(self) -> int:
        return max(1, min(int(super().dequeue_timeout), int(self.relay_every)))

    @property
    def should_run_maintenance_tasks(self) -> bool:
        due = time.monotonic() - self._relayed_at >= self.relay_every
        return bool(due or super().should_run_maintenance_tasks)

    def run_maintenance_tasks(self) -> None:
        if super().should_run_maintenance_tasks:
            super().run_maintenance_tasks()  # type: ignore[no-untyped-call]
        self._relayed_at = time.monotonic()
        try:
            outcome = taskqueue.relay()
        except Exception:
            logger.exception("Relaying the task outbox failed; trying again shortly")
            return
        finally:
            # Each job runs in a forked process: it must not share this process's connection.
            for connection in db.connections.all(initialized_only=True):
                if not connection.in_atomic_block:
                    connection.close()
        if outcome.relayed:
            self.log.info("Worker %s: relayed %d waiting tasks", self.name, outcome.relayed)
