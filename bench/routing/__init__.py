"""Routing-quality benchmark of Triage's classifier (issue 14): data loading, RouteLLM's metrics,
fit metrics, and the orchestration of the release `triage` binary. Run with `make bench-routing`."""
