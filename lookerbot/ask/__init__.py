"""Asking questions in plain words, answered with a Looker query.

The parser (:mod:`lookerbot.ask.parser`) is pure and deterministic: given a question, the
Explores' fields (:class:`~lookerbot.ask.index.ExploreIndex`), the values Looker suggests for
them and today's date, it returns a :class:`~lookerbot.ask.spec.QuerySpec`, an
:class:`~lookerbot.ask.spec.Ambiguity` or a :class:`~lookerbot.ask.spec.NotUnderstood`. It
only ever names fields the Explore has. :mod:`lookerbot.ask.catalog` fetches and caches what
it needs from Looker; :mod:`lookerbot.ask.llm` optionally asks a language model first.
"""
