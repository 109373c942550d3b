"""`report`, `summarise` and `discover`: what a researcher reads from a dataset."""

from __future__ import annotations

import argparse
import sys


def cmd_report(args: argparse.Namespace) -> int:
    from pipeline.report import write_report

    try:
        out = write_report(args.dataset, args.out)
    except FileNotFoundError as error:
        print(f"scr-themes report: {error}", file=sys.stderr)
        return 2
    print(f"Report: {out}")
    return 0


def cmd_summarise(args: argparse.Namespace) -> int:
    from pipeline.summary_output import write_summaries
    from pipeline.taxonomy import load_taxonomy

    try:
        summaries, errors = write_summaries(args.dataset, args.out, load_taxonomy())
    except FileNotFoundError as error:
        print(f"scr-themes summarise: {error}", file=sys.stderr)
        return 2
    for summary in summaries:
        print(
            f"{summary.file_name}: {len(summary.learning_themes)} learning themes, "
            f"{len(summary.recommendations)} recommendations"
        )
    for line in errors:
        print(line, file=sys.stderr)
    print(f"{len(summaries)} summaries in {args.out} (index.md lists them)")
    return 0


def cmd_discover(args: argparse.Namespace) -> int:
    from pipeline.discover import ThemeDiscovery, discover_themes, write_suggestions
    from pipeline.records import Section
    from pipeline.summary import load_results
    from pipeline.tag.embeddings import MiniLMEncoder

    try:
        sections = [Section(name.strip()) for name in args.sections.split(",")]
        results = load_results(args.dataset)
    except (FileNotFoundError, ValueError) as error:
        print(f"scr-themes discover: {error}", file=sys.stderr)
        return 2
    discovery = ThemeDiscovery(
        MiniLMEncoder(adapter=None),  # general similarity, not the one tuned to known themes
        n_clusters=args.clusters,
        min_cluster_size=args.min_size,
        random_state=args.seed,
    )
    suggestions, settings = discover_themes(results, discovery, sections)
    markdown, data = write_suggestions(args.out, suggestions, settings)
    print(
        f"{len(suggestions)} suggested themes from {settings['n_candidates']} unexplained "
        f"sentences: {markdown} and {data}"
    )
    return 0
