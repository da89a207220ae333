"""Validators for Open Referral UK 3.0 JSON, from the standard's own schemas read in place
from ../shared/data: every published schema address resolves to its local copy and nothing
else resolves, so nothing is fetched from the network."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

BASE = "https://openreferraluk.org/specifications/3.0/schema/"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)$")
FORMATS = FormatChecker()


@FORMATS.checks("date-time")
def _date_time(value: object) -> bool:
    return not isinstance(value, str) or bool(RFC3339.match(value))


@FORMATS.checks("uri")
def _uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def folder(shared_data: Path) -> Path:
    return shared_data / "standards" / "oruk" / "specifications" / "3.0"


@functools.cache
def validators(shared_data: Path) -> dict[str, Draft202012Validator]:
    """One validator per schema file, by name ("service", "service_list", ...)."""
    schemas = {
        path.stem: json.loads(path.read_text())
        for path in (folder(shared_data) / "schema").glob("*.json")
    }
    registry: Registry[Any] = Registry().with_resources(
        (BASE + name + ".json", DRAFT202012.create_resource(schema))
        for name, schema in schemas.items()
    )
    return {
        name: Draft202012Validator(schema, registry=registry, format_checker=FORMATS)
        for name, schema in schemas.items()
    }


def errors(validator: Draft202012Validator, body: Any) -> list[str]:
    return [
        f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in validator.iter_errors(body)
    ]
