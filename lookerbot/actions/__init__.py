"""Action Hub actions beyond Slack.

``results.py`` reads a query result (inline or from a one-time download URL) row by row.
"""
