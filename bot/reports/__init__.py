"""The figures staff and funders read: dashboards, the impact report, summaries and the daily
digest, all computed from anonymous counts (read-only; the dispatcher keeps the counts)."""
