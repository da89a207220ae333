"""What the apps above accounts keep about one person, for "Download your data" and for
deleting an account.

Accounts sits low in the layers, so it cannot import the apps that keep private things about
a person (a guide reader's reflections, an offer of help with a home postcode). Each such app
registers a `Keeper` in its `AppConfig.ready()`: `export` returns JSON-ready data for the
download, `erase` removes or blanks it when the account is deleted (inside the deletion's
transaction). Public contributions stay, shown as by a former member; these do not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from grassroots.accounts.models import User


@dataclass(frozen=True)
class Keeper:
    name: str  # the key in the download
    export: Callable[[User], Any]
    erase: Callable[[User], None]


_keepers: dict[str, Keeper] = {}


def register(keeper: Keeper) -> None:
    _keepers[keeper.name] = keeper


def keepers() -> list[Keeper]:
    return sorted(_keepers.values(), key=lambda k: k.name)
