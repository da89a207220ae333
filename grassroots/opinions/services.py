"""Every change to an opinion map: starting one, statements, moderation, votes, closing.

Each function asks the rules first (`require`), runs in one transaction and leaves an audit
entry (votes excepted: there are many, and each is a row of its own already). A vote is one
INSERT: the database's unique constraint on participant and statement is what refuses a
second answer, so two quick clicks can never count twice. Votes and moderation decisions
queue a debounced recomputation (`tasks.schedule_recompute`); nothing is computed in the
request.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.models import User
from grassroots.core.audit import audit_record
from grassroots.core.notices import Kind, notify
from grassroots.core.services import ServiceError, require
from grassroots.core.text import clean_text
from grassroots.groups.models import Group
from grassroots.opinions.models import (
    STATEMENT_MAX_LENGTH,
    Audience,
    Choice,
    OpinionMap,
    Participant,
    Statement,
    StatementStatus,
    Vote,
)
from grassroots.opinions.tasks import schedule_recompute
from grassroots.places.models import Ward

QUESTION_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 200
MAX_SEEDS = 100


def _statement_text(text: str) -> str:
    return clean_text(
        text,
        max_length=STATEMENT_MAX_LENGTH,
        empty=_("Enter a statement"),
        too_long=_("A statement must be %(max)d characters or fewer")
        % {"max": STATEMENT_MAX_LENGTH},
    )


def _refuse_duplicate(opinion_map: OpinionMap, text: str, seen: set[str] | None = None) -> None:
    key = text.casefold()
    if seen is not None:
        if key in seen:
            raise ServiceError(_("“%(text)s” is there twice") % {"text": text})
        seen.add(key)
    if Statement.objects.filter(map=opinion_map, text__iexact=text).exists():
        raise ServiceError(_("This map already has the statement “%(text)s”") % {"text": text})


def _seed(opinion_map: OpinionMap, actor: User, texts: Iterable[str]) -> list[Statement]:
    cleaned: list[str] = []
    seen: set[str] = set()
    for text in texts:
        if not (text or "").strip():
            continue
        value = _statement_text(text)
        _refuse_duplicate(opinion_map, value, seen)
        cleaned.append(value)
    if len(cleaned) > MAX_SEEDS:
        raise ServiceError(_("Add at most %(max)d statements at a time") % {"max": MAX_SEEDS})
    now = timezone.now()
    return Statement.objects.bulk_create(
        [
            Statement(
                map=opinion_map,
                text=text,
                is_seed=True,
                status=StatementStatus.PUBLISHED,
                moderated_by=actor,
                moderated_at=now,
            )
            for text in cleaned
        ]
    )


def map_create(
    *,
    actor: User,
    host: Ward | Group,
    question: str,
    description: str = "",
    audience: str = Audience.EVERYONE,
    allow_statements: bool = True,
    seeds: Iterable[str] = (),
) -> OpinionMap:
    """Start a map hosted by `host`, with its first statements published at once."""
    require(actor, "opinions.start", host)
    question = clean_text(
        question,
        max_length=QUESTION_MAX_LENGTH,
        empty=_("Enter the question"),
        too_long=_("The question must be %(max)d characters or fewer")
        % {"max": QUESTION_MAX_LENGTH},
    )
    description = (description or "").strip()
    if description:
        description = clean_text(
            description,
            max_length=DESCRIPTION_MAX_LENGTH,
            empty="",
            too_long=_("The description must be %(max)d characters or fewer")
            % {"max": DESCRIPTION_MAX_LENGTH},
        )
    if audience not in Audience.values:
        raise ServiceError(_("Choose who can take part"))
    with transaction.atomic():
        opinion_map = OpinionMap.objects.create(
            ward=host if isinstance(host, Ward) else None,
            group=host if isinstance(host, Group) else None,
            question=question,
            description=description,
            audience=audience,
            allow_statements=allow_statements,
            started_by=actor,
        )
        statements = _seed(opinion_map, actor, seeds)
        audit_record(
            actor=actor,
            action="opinions.map_create",
            obj=opinion_map,
            summary=f"Started the opinion map “{question}” with {len(statements)} statements",
            data={"host": str(host), "seeds": len(statements)},
        )
    return opinion_map


def statement_seed(
    *, actor: User, opinion_map: OpinionMap, texts: Iterable[str]
) -> list[Statement]:
    """The host adds statements, published at once."""
    require(actor, "opinions.manage", opinion_map)
    with transaction.atomic():
        statements = _seed(opinion_map, actor, list(texts))
        if not statements:
            raise ServiceError(_("Enter at least one statement"))
        audit_record(
            actor=actor,
            action="opinions.statement_seed",
            obj=opinion_map,
            summary=f"Added {len(statements)} statements",
            data={"statements": [s.pk for s in statements]},
        )
    return statements


def _participant(opinion_map: OpinionMap, user: User) -> Participant:
    """The user's participant row in the map, made on first use. Two first votes at once both
    try to insert; the unique constraint keeps one and `get_or_create` reads it for the other."""
    participant, _created = Participant.objects.get_or_create(map=opinion_map, user=user)
    return participant


def statement_add(*, actor: User, opinion_map: OpinionMap, text: str) -> Statement:
    """A participant suggests a statement; it waits for the host or a moderator."""
    require(actor, "opinions.add_statement", opinion_map)
    value = _statement_text(text)
    with transaction.atomic():
        _refuse_duplicate(opinion_map, value)
        participant = _participant(opinion_map, actor)
        statement = Statement.objects.create(
            map=opinion_map, text=value, author=participant, status=StatementStatus.PENDING
        )
        audit_record(
            actor=actor,
            action="opinions.statement_add",
            obj=statement,
            summary=f"Suggested a statement in map {opinion_map.pk}",
        )
    return statement


def statement_moderate(
    *, actor: User, statement: Statement, publish: bool, reason: str = ""
) -> Statement:
    """Publish a waiting statement, or reject it with a reason its author is told."""
    require(actor, "opinions.moderate", statement.map)
    if statement.status != StatementStatus.PENDING:
        raise ServiceError(_("This statement has already been dealt with"))
    if not publish:
        reason = clean_text(
            reason,
            max_length=REASON_MAX_LENGTH,
            empty=_("Enter the reason for not publishing the statement"),
            too_long=_("The reason must be %(max)d characters or fewer")
            % {"max": REASON_MAX_LENGTH},
        )
    with transaction.atomic():
        updated = Statement.objects.filter(pk=statement.pk, status=StatementStatus.PENDING).update(
            status=StatementStatus.PUBLISHED if publish else StatementStatus.REJECTED,
            moderated_by=actor,
            moderated_at=timezone.now(),
            rejection_reason="" if publish else reason,
        )
        if updated != 1:
            raise ServiceError(_("This statement has already been dealt with"))
        statement.refresh_from_db()
        audit_record(
            actor=actor,
            action="opinions.statement_moderate",
            obj=statement,
            summary=("Published" if publish else "Rejected")
            + f" a statement in map {statement.map_id}",
            data={"reason": reason} if not publish else {},
        )
        author = statement.author.user if statement.author is not None else None
        if author is not None:
            if publish:
                text = _("Your statement in “%(map)s” is published.")
            else:
                text = _("Your statement in “%(map)s” was not published: %(reason)s")
            notify(
                recipients=[author],
                kind=Kind.MODERATION,
                text=text % {"map": statement.map.question, "reason": reason},
                url=statement.map.get_absolute_url(),
                actor=actor,
            )
        schedule_recompute(statement.map_id)
    return statement


def vote_cast(*, actor: User, opinion_map: OpinionMap, statement_id: int, choice: int) -> Vote:
    """Record `actor`'s answer to one published statement of the map: one INSERT."""
    require(actor, "opinions.vote", opinion_map)
    if choice not in Choice.values:
        raise ServiceError(_("Choose agree, disagree or pass"))
    published = Statement.objects.filter(
        pk=statement_id, map=opinion_map, status=StatementStatus.PUBLISHED
    ).exists()
    if not published:
        raise ServiceError(_("This statement is not in this opinion map"))
    with transaction.atomic():
        participant = _participant(opinion_map, actor)
        try:
            with transaction.atomic():
                vote = Vote.objects.create(
                    participant=participant,
                    statement_id=statement_id,
                    map=opinion_map,
                    choice=choice,
                )
        except IntegrityError as error:
            raise ServiceError(_("You have already answered this statement")) from error
        schedule_recompute(opinion_map.pk)
    return vote


def map_close(*, actor: User, opinion_map: OpinionMap) -> OpinionMap:
    require(actor, "opinions.manage", opinion_map)
    if opinion_map.closed_at is not None:
        raise ServiceError(_("This opinion map is already closed"))
    with transaction.atomic():
        opinion_map.closed_at = timezone.now()
        opinion_map.save(update_fields=["closed_at"])
        audit_record(
            actor=actor, action="opinions.map_close", obj=opinion_map, summary="Closed the map"
        )
    return opinion_map


def map_reopen(*, actor: User, opinion_map: OpinionMap) -> OpinionMap:
    require(actor, "opinions.manage", opinion_map)
    if opinion_map.closed_at is None:
        raise ServiceError(_("This opinion map is already open"))
    with transaction.atomic():
        opinion_map.closed_at = None
        opinion_map.save(update_fields=["closed_at"])
        audit_record(
            actor=actor, action="opinions.map_reopen", obj=opinion_map, summary="Reopened the map"
        )
    return opinion_map
