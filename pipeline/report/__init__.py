"""Research outputs: a self-contained HTML report of prevalence, co-occurrence and evidence."""

from pipeline.report.build import render_report, write_report
from pipeline.report.data import load_report_data
from pipeline.report.stats import wilson_interval

__all__ = ["load_report_data", "render_report", "wilson_interval", "write_report"]
