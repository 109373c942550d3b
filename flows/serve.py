"""Serve the ingest flow as a nightly deployment on a cron schedule (default 02:00).

    python -m flows.serve --folder ARCHIVE --out DATASET [--cron "0 2 * * *"]

It runs until stopped, starting a flow run at each scheduled time (and whenever one is
triggered by hand: ``prefect deployment run ingest-reviews/nightly``). Point it at a local
Prefect server bound to 127.0.0.1 with ``PREFECT_API_URL``; see the README.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from prefect import serve

from flows.ingest import ingest_folder

NIGHTLY = "0 2 * * *"


def build_deployment(
    folder: Path, out: Path, *, name: str = "nightly", cron: str = NIGHTLY, **parameters: Any
) -> Any:
    """The deployment of ``ingest-reviews`` over one folder, on a cron schedule."""
    return ingest_folder.to_deployment(
        name=name,
        cron=cron,
        parameters={"folder": str(Path(folder).resolve()), "out": str(Path(out).resolve())}
        | parameters,
        description="Nightly ingestion of new and changed reviews",
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, required=True, help="the archive of PDFs")
    parser.add_argument("--out", type=Path, required=True, help="the dataset folder")
    parser.add_argument("--cron", default=NIGHTLY, help="when to run (default 02:00 daily)")
    parser.add_argument("--name", default="nightly", help="deployment name")
    parser.add_argument("--max-failed-share", type=float, default=0.5)
    args = parser.parse_args(argv)
    deployment = build_deployment(
        args.folder,
        args.out,
        name=args.name,
        cron=args.cron,
        max_failed_share=args.max_failed_share,
    )
    serve(deployment)


if __name__ == "__main__":
    main()
