"""Action Hub actions beyond Slack: a small framework and the Braze and RudderStack actions.

``base.py`` says what an :class:`~lookerbot.actions.base.Action` is; ``results.py`` reads a
query result (inline or from a one-time download URL) row by row; ``endpoints.py`` decides
which URLs the actions may call; ``batches.py`` sends rows in batches with retries and
reports the outcome; ``braze.py`` and ``rudderstack.py`` are the actions; ``routes.py``
serves them at ``/actions/<name>/form`` and ``/actions/<name>/execute``.
"""
