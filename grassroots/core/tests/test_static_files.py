"""Static files keep their hashed names, worked out once a process (core/static_files.py)."""

from __future__ import annotations

from pathlib import Path

from django.core.files.base import ContentFile
from django.test import override_settings

from grassroots.core.static_files import StaticFilesStorage


def collected(storage: StaticFilesStorage, name: str, content: bytes) -> None:
    """What `collectstatic` does for one file: copy it in, then hash it into the manifest."""
    if storage.exists(name):
        storage.delete(name)
    storage.save(name, ContentFile(content))
    list(storage.post_process({name: (storage, name)}, dry_run=False))


def test_a_file_is_named_by_its_content_and_renamed_when_collected_again(tmp_path: Path) -> None:
    storage = StaticFilesStorage(location=str(tmp_path), base_url="/static/")
    collected(storage, "css/site.css", b"body { color: #0b0c0c; }")
    first = storage.url("css/site.css")
    assert first.startswith("/static/css/site.")
    assert first.endswith(".css")
    assert first != "/static/css/site.css"
    assert storage.url("css/site.css") == first  # the kept answer

    collected(storage, "css/site.css", b"body { color: #1d70b8; }")
    assert storage.url("css/site.css") not in (first, "/static/css/site.css")


def test_under_debug_a_file_is_served_by_its_own_name(tmp_path: Path) -> None:
    storage = StaticFilesStorage(location=str(tmp_path), base_url="/static/")
    collected(storage, "js/app.js", b"export {};")
    hashed = storage.url("js/app.js")
    with override_settings(DEBUG=True):
        assert storage.url("js/app.js") == "/static/js/app.js"
    assert storage.url("js/app.js") == hashed
