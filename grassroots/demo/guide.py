"""The demo's guide (a step of `grassroots.demo.seed.STEPS`): the councillors' learning path on
the back-seat way of working, three residents' courses, and some readers' progress.

The demo editor writes and publishes every page through the services; the first module has a
second version (so the history and the comparison have something to show) and the residents'
"Running a group" course has one page still in draft. The demo councillor has done the first two
modules, written reflections on them and taken the self-assessment once; the demo resident is
part-way through "Running a group". The step starts again from nothing on each run.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.demo.borough import Borough
from grassroots.learning import assessment, services, services_readers
from grassroots.learning.models import (
    Course,
    GuidePage,
    MatchingAction,
    PageKind,
    SelfAssessment,
)
from grassroots.learning.services import PageText

A = MatchingAction

PATH_TITLE = "Supporting from the back seat"
PATH: tuple[PageText, ...] = (
    PageText(
        title="Three ways to help: facilitate, connect, advocate",
        summary="What a councillor can offer a residents' initiative without taking it over.",
        body="""Residents know their street better than anyone. When they start something, the
most useful thing a councillor can do is help it succeed on their terms.

# Facilitate

Help people talk and decide together. Book a room, chair a meeting if asked, keep the
conversation fair, and make sure quieter voices are heard.

# Connect

Introduce the group to people who can help: an officer who knows the rules, another group
doing something similar, a local business with a spare room.

# Advocate

Take what the residents want into the council, in their words and with their evidence, and
tell them honestly what happened.

> All three roles leave the decisions with the residents.""",
        reflection="Think of the last initiative you helped. Which of the three roles did you "
        "play, and which did the residents need most?",
        action=A.OFFER_TO_FACILITATE,
    ),
    PageText(
        title="Taking decisions out of the town hall",
        summary="Meeting people where they already are.",
        body="""Many residents will never come to a council meeting. That does not mean they
have nothing to say.

# Go to them

Hold your surgery in a library, a community centre, a café or a school hall. Pick places with
step-free access, good bus links and opening hours that suit people who work.

# Bring the question, not the answer

Explain what is being decided and when, then listen. Write down what you heard and share it
back, so people can see they were listened to.

# Follow up

Tell people what happened next, even when the answer is no.""",
        reflection="Where do people in your ward already gather? "
        "Who never comes to your surgeries?",
        action=A.HOLD_SURGERY,
    ),
    PageText(
        title="Joining community-led debate",
        summary="Taking part in residents' own conversations as a guest.",
        body="""Residents often start their own conversations about what matters to them: on a
street, in a group, on this site.

# Join as a guest

Say who you are and why you are there. Answer questions, give facts, and point to where the
council's decisions are made. Do not take over the thread.

# Answer when asked

When residents ask their councillors for help, a quick, honest reply matters more than a
perfect one. If you cannot help, say so and suggest who can.""",
        reflection="When did you last join a debate that residents started? What did you do there?",
        action=A.ANSWER_HELP_REQUESTS,
    ),
    PageText(
        title="When to step back",
        summary="Knowing when your help is no longer needed.",
        body="""Support is meant to end. A group that can carry on without you is a success.

# Signs it is time

- The group runs its own meetings and keeps its own records.
- It has its own contacts in the council.
- People ask you less often.

# How to step back well

Tell the group you are stepping back and why. Stay in touch, and make it easy to ask you
again. Give the credit to the people who did the work.""",
        reflection="Which group you support could carry on without you? "
        "What would help it get there?",
        action=A.ANSWER_HELP_REQUESTS,
    ),
)
PATH_FIRST_REVISION = (
    "\n\nMost initiatives need more than one role over time: start where the residents ask."
)

COURSES: tuple[tuple[str, tuple[PageText, ...]], ...] = (
    (
        "Running a group",
        (
            PageText(
                title="Starting out",
                summary="Getting a few people together around one aim.",
                body="""Write down in one sentence what the group is for. Ask two or three
neighbours to help, and agree how you will make decisions: by vote, or by talking until
everyone can live with the answer.""",
                reflection="What is your group for, in one sentence?",
                action=A.RUN_MEETING,
            ),
            PageText(
                title="Sharing the work",
                summary="So it does not all fall on one person.",
                body="""Give each job to a named person: keeping the money, booking rooms,
writing notes, looking after the group's page. Swap jobs every year so more people learn
them.""",
                reflection="Which job do you do that someone else could learn?",
                action=A.RUN_MEETING,
            ),
            PageText(
                title="Keeping people involved",
                summary="Welcoming new members and keeping the regulars.",
                body="""Thank people in public. Tell new members what the group has done so far
and give them a small, clear first job.""",
                reflection="When did someone new last join? What made them stay or leave?",
                action=A.RUN_MEETING,
            ),
        ),
    ),
    (
        "Applying for money",
        (
            PageText(
                title="Finding the right fund",
                summary="Read what each fund is for before you write anything.",
                body="""Each fund says what it pays for, who can apply and how much. Pick a fund
whose aims match what you want to do, and check the closing date.""",
                reflection="Which fund suits your idea, and why?",
                action=A.APPLY_FOR_MONEY,
            ),
            PageText(
                title="Writing the application",
                summary="Say what you will do, for whom, and how you will know it worked.",
                body="""Keep it short and plain. Say what the money will pay for, line by line.
Show that local people want it: a survey, a petition, or letters of support all help.""",
                reflection="How will you show that people in your area want this?",
                action=A.APPLY_FOR_MONEY,
            ),
        ),
    ),
    (
        "Running a meeting",
        (
            PageText(
                title="Before the meeting",
                summary="An agenda, a room everyone can reach, and a clear invitation.",
                body="""Send the agenda a week ahead. Choose a room with step-free access and say
so in the invitation. Ask people to tell you what would help them take part.""",
                reflection="Who could not come to your last meeting, and why?",
                action=A.RUN_MEETING,
            ),
            PageText(
                title="On the day",
                summary="Keep to time and give everyone a turn.",
                body="""Start on time. Go round the room before open discussion, so quieter
people speak early. Write down each decision, who will act on it and by when.""",
                reflection="What would help quieter people speak at your meetings?",
                action=A.RUN_MEETING,
            ),
        ),
    ),
)
DRAFT = PageText(
    title="Handing over",
    summary="When a group's founders move on.",
    body="Plan the handover a few months ahead, and write down what you know.",
    reflection="Who could take over from you?",
    action=A.RUN_MEETING,
)

COUNCILLOR_ANSWERS = {
    "host_conversations": 4,
    "neutral_chair": 3,
    "meet_where_they_are": 2,
    "introductions": 4,
    "share_contacts": 3,
    "raise_inside": 4,
    "evidence": 3,
    "residents_lead": 3,
    "credit": 4,
    "let_go": 2,
}


def _course(editor: User, kind: str, title: str, pages: tuple[PageText, ...]) -> list[GuidePage]:
    course = services.course_create(actor=editor, kind=kind, title=title)
    made = []
    for text in pages:
        page = services.page_create(actor=editor, course=course, text=text)
        first = page.versions.get(number=1)
        made.append(services.page_publish(actor=editor, page=page, version=first))
    return made


def _clear() -> None:
    titles = [PATH_TITLE, *(title for title, _pages in COURSES)]
    courses = Course.objects.filter(title__in=titles)
    GuidePage.objects.filter(course__in=courses).delete()
    courses.delete()


def seed_guide(borough: Borough) -> None:
    editor = borough.accounts.get("editor")
    if editor is None:
        return
    _clear()
    path = _course(editor, PageKind.MODULE, PATH_TITLE, PATH)
    first = path[0]
    assert first.live is not None
    revised = services.page_revise(
        actor=editor,
        page=first,
        text=PageText(
            title=first.live.title,
            summary=first.live.summary,
            body=first.live.body + PATH_FIRST_REVISION,
            reflection=first.live.reflection,
            action=first.live.action,
        ),
    )
    services.page_publish(actor=editor, page=first, version=revised)
    courses = {title: _course(editor, PageKind.LESSON, title, pages) for title, pages in COURSES}
    group_pages = courses["Running a group"]
    services.page_create(actor=editor, course=group_pages[0].course, text=DRAFT)

    councillor = borough.accounts.get("councillor")
    if councillor is not None:
        for page, words in zip(
            path[:2],
            (
                "Mostly connecting: I introduced the park group to the parks officer. "
                "They needed someone to chair their first open meeting more.",
                "The market café on Saturdays. Younger families never come to my surgeries.",
            ),
            strict=True,
        ):
            services_readers.completion_set(actor=councillor, page=page, done=True)
            services_readers.reflection_save(actor=councillor, page=page, text=words)
        SelfAssessment.objects.filter(user=councillor).delete()
        taken = services_readers.self_assessment_take(actor=councillor, answers=COUNCILLOR_ANSWERS)
        SelfAssessment.objects.filter(pk=taken.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=60)
        )
    resident = borough.accounts.get("resident")
    if resident is not None:
        for page in group_pages[:2]:
            services_readers.completion_set(actor=resident, page=page, done=True)
        services_readers.reflection_save(
            actor=resident,
            page=group_pages[0],
            text="To get the alley behind Mill Street cleaned up and kept tidy.",
        )
    borough.counts["guide pages"] = GuidePage.objects.filter(live__isnull=False).count()
    assert set(COUNCILLOR_ANSWERS) == assessment.QUESTION_KEYS
