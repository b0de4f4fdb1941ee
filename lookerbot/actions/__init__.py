"""Action Hub actions beyond Slack: a small framework and the Braze action.

``base.py`` says what an :class:`~lookerbot.actions.base.Action` is; ``results.py`` reads a
query result (inline or from a one-time download URL) row by row; ``endpoints.py`` decides
which URLs the actions may call; ``batches.py`` sends rows in batches with retries and
reports the outcome; ``braze.py`` is the action; ``routes.py`` serves the actions at
``/actions/<name>/form`` and ``/actions/<name>/execute``.
"""
