"""Quicker lookups of translated text, giving the same answers (decision 24).

Django makes one catalogue object a language (`trans_real.translation`). For "en-gb", Python's
`gettext` also loads the empty "en" catalogue beside each British English one that Django and
its contrib apps ship, and chains them behind. Our text is written in British English, so
nearly every message misses the catalogue and then walks six empty ones before its own text
comes back: about 8 microseconds a message, and a signed-in page asks for 30 to 60.

`install()` (from `CoreConfig.ready`) wraps `trans_real.translation`, so that each catalogue
object, the first time it is handed out:

- drops the fallbacks that hold no messages (only the "" header entry), which can never
  change an answer;
- remembers the answer for each message it is asked. A catalogue object does not change while
  it lives: Django makes new objects when a `.mo` file changes under `runserver`, or when a
  test changes `LANGUAGES` or `LOCALE_PATHS`, and each new object has its own memory.

At most `REMEMBERED` messages are kept a language, so text built at run time and passed to
`gettext` by mistake cannot grow it without end.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import trans_real

REMEMBERED = 10_000
_MARK = "_grassroots_quick"


def _empty(catalogue: Any) -> bool:
    messages = getattr(catalogue, "_catalog", None)
    return isinstance(messages, dict) and set(messages) <= {""}


def _drop_empty_fallbacks(catalogue: Any) -> None:
    kept = catalogue
    fallback = getattr(catalogue, "_fallback", None)
    while fallback is not None:
        after = getattr(fallback, "_fallback", None)
        if _empty(fallback):
            kept._fallback = after
        else:
            kept = fallback
        fallback = after


def _remembering(lookup: Callable[[str], str], answers: dict[str, str]) -> Callable[[str], str]:
    def gettext(message: str) -> str:
        try:
            return answers[message]
        except KeyError:
            pass
        answer = lookup(message)
        # An untranslated message comes back as itself, and may be a SafeString. Keep plain
        # text, so that a later call with a plain str is not marked safe by the first one:
        # Django marks the answer safe itself when the message it was given was.
        if type(answer) is not str:
            answer = str.__str__(answer)
        if len(answers) < REMEMBERED:
            answers[message] = answer
        return answer

    return gettext


def quicken(catalogue: Any) -> Any:
    """Make `catalogue` (a DjangoTranslation) quick, once; the same object is returned."""
    if catalogue.__dict__.get(_MARK):
        return catalogue
    _drop_empty_fallbacks(catalogue)
    catalogue.remembered = {}
    catalogue.gettext = _remembering(catalogue.gettext, catalogue.remembered)
    setattr(catalogue, _MARK, True)
    return catalogue


def install() -> None:
    made = trans_real.translation
    if getattr(made, _MARK, False):
        return

    def translation(language: str) -> Any:
        return quicken(made(language))

    setattr(translation, _MARK, True)
    trans_real.translation = translation
    # Catalogues made before now (by a setting's text, say) are quickened as well.
    for catalogue in list(getattr(trans_real, "_translations", {}).values()):
        quicken(catalogue)
