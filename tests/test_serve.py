"""The nightly deployment: served, then one scheduled run carried out to completion."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from pipeline.store import read_dataset
from tests.conftest import REPO, SAMPLES

pytestmark = pytest.mark.slow


def test_served_deployment_runs_a_scheduled_flow_run(prefect_server, tmp_path):
    from prefect.artifacts import Artifact
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL

    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    shutil.copy(sorted(SAMPLES.glob("*.pdf"))[0], folder / "a.pdf")
    env = os.environ | {
        "PREFECT_API_URL": str(PREFECT_API_URL.value()),
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
    }
    name = f"nightly-{tmp_path.name}"
    command = [sys.executable, "-m", "flows.serve", "--folder", str(folder), "--out", str(out)]
    server = subprocess.Popen(
        [*command, "--name", name],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        started = time.monotonic()
        flow_run = None
        while flow_run is None and time.monotonic() - started < 30:
            try:
                flow_run = run_deployment(f"ingest-reviews/{name}", timeout=90)
            except Exception:  # the deployment is not registered yet
                time.sleep(1)
        assert flow_run is not None
        assert flow_run.state is not None and flow_run.state.is_completed(), flow_run.state
        assert read_dataset(out)["documents"].status.tolist() == ["ok"]
        # The summary is not persisted as a result (results may hold text): its artifact is.
        artifact = Artifact.get("ingest-summary")
        assert artifact is not None and "| ok | 1 |" in str(artifact.data)
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def test_the_deployment_runs_nightly_at_two():
    from flows.serve import build_deployment

    deployment = build_deployment(SAMPLES, REPO / "data" / "x")
    assert deployment.schedules[0].schedule.cron == "0 2 * * *"
    assert deployment.parameters["folder"] == str(SAMPLES.resolve())
