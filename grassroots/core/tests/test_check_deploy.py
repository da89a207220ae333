"""`manage.py check --deploy` with production settings reports nothing (scripts/check-deploy.sh,
as `make checks` runs it)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from grassroots.conftest import require

REPO = Path(__file__).resolve().parents[3]
SCRIPT = REPO / "scripts" / "check-deploy.sh"


def test_check_deploy_reports_nothing() -> None:
    require((REPO / ".venv" / "bin" / "python").exists(), "no .venv: run `make setup`")
    # The environment a deployment would have: none of this shell's overrides, and not the
    # async-safety switch the browser tests set in this process.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SECURE_", "DEBUG")) and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [str(SCRIPT)], cwd=REPO, env=env, capture_output=True, text=True, check=False
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNING" not in output
