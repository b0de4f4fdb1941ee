"""Lookerbot: Looker in Slack."""

__version__ = "0.1.0"
