"""The main job runs with the network cut off: only loopback, for Prefect's local server."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow
CAN_UNSHARE = (
    sys.platform == "linux"
    and os.geteuid() == 0
    and shutil.which("unshare") is not None
    and shutil.which("ip") is not None
)


@pytest.mark.skipif(not CAN_UNSHARE, reason="needs root, unshare and ip to cut the network")
def test_ingest_runs_in_a_network_namespace_with_only_loopback(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for pdf in sorted(SAMPLES.glob("*.pdf"))[:2]:
        shutil.copy(pdf, folder / pdf.name)
    cli = Path(sys.executable).with_name("scr-themes")
    out = tmp_path / "out"
    script = f"ip link set lo up && {cli} ingest {folder} --out {out}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    done = subprocess.run(
        ["unshare", "-n", "sh", "-c", script], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "2 documents: 2 ok" in done.stdout
    assert (out / "document_themes.parquet").exists()
