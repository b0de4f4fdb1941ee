"""Looker API 4.0 as generated into looker-sdk: the contract the Looker emulator enforces.

Nothing here is written from our own understanding of Looker. Every rule is read from the
official Python SDK installed beside the bot:

- ``looker_sdk/sdk/api40/methods.py``: each method of ``Looker40SDK`` calls
  ``self.get/post/patch/put/delete(path=f"/...", structure=..., query_params={...}, body=...)``.
  Parsed once with :mod:`ast`, that gives every endpoint's HTTP method and path template,
  its query parameters (those without a default are required, e.g. ``width`` and
  ``height`` of ``create_query_render_task``), its body type and the model its answer is
  structured into.
- ``looker_sdk/sdk/api40/models.py``: the attrs models. A model's fields are the keys it
  may have; those its generated ``__init__`` takes without a default are required (for
  ``WriteQuery``, ``model`` and ``view``). Field types, enums and ``datetime`` formats are
  checked as the SDK's converter (``looker_sdk.rtl.serialize.deserialize40``) reads them,
  and stricter: the converter quietly turns ``1`` into ``"1"``, Looker 4.0 sends ids as
  strings.
- ``RenderTask``'s docstring lists the statuses a render task passes through.
- The comments above ``create_scheduled_plan`` in methods.py hold the table of scheduled
  plan destination formats ("Scheduled Plan Destination Formats"), and
  ``ScheduledPlanDestination``'s docstring the destination types.
"""

from __future__ import annotations

import ast
import collections.abc
import datetime
import enum
import functools
import inspect
import keyword
import re
import typing
from dataclasses import dataclass
from typing import Any, ForwardRef, Union, get_args, get_origin

import attr
from looker_sdk.rtl import hooks
from looker_sdk.sdk.api40 import methods as sdk_methods
from looker_sdk.sdk.api40 import models as sdk_models

API_VERSION = "4.0"
DOCS = "https://cloud.google.com/looker/docs/r/err/4.0"


@dataclass(frozen=True)
class Problem:
    """One reason a request breaks the contract (an item of Looker's ``errors``)."""

    field: str
    code: str
    message: str


@dataclass(frozen=True)
class Route:
    """One endpoint of ``Looker40SDK`` (source: ``looker_sdk/sdk/api40/methods.py``).

    Attributes:
        name: the SDK method (``create_query``).
        method: the HTTP method.
        template: the path as the SDK builds it (``/queries/{query_id}/run/{result_format}``).
        query_params: the query parameters the method sends, with their annotations.
        required_query: those the method takes without a default.
        body: the body's annotation (``mdls.WriteQuery``), or ``None`` for no body.
        structure: the answer's annotation (``mdls.Query``, ``Sequence[mdls.Look]``...).
    """

    name: str
    method: str
    template: str
    query_params: dict[str, str]
    required_query: frozenset[str]
    body: str | None
    structure: str

    @functools.cached_property
    def segments(self) -> tuple[str | None, ...]:
        """The path's segments: literal text, or ``None`` for a parameter."""
        return tuple(None if s.startswith("{") else s for s in self.template.strip("/").split("/"))

    @functools.cached_property
    def path_params(self) -> tuple[str, ...]:
        return tuple(re.findall(r"\{(\w+)\}", self.template))

    @functools.cached_property
    def structure_type(self) -> Any:
        """The type the SDK structures the answer into (``None``: no answer)."""
        return _evaluate(self.structure)

    @functools.cached_property
    def body_type(self) -> Any:
        return None if self.body is None else _evaluate(self.body)

    @property
    def raw_answer(self) -> bool:
        """Whether the SDK hands the answer back as text or bytes, unstructured."""
        structure = self.structure_type
        return structure in (None, str, bytes) or set(get_args(structure)) == {str, bytes}

    @property
    def documentation_url(self) -> str:
        path = re.sub(r"\{(\w+)\}", r":\1", self.template)
        return f"{DOCS}/422/{self.method.lower()}{path}"


@dataclass(frozen=True)
class Contract:
    """Every route of API 4.0, and the checks of requests and answers against them."""

    routes: tuple[Route, ...]

    @functools.cached_property
    def by_name(self) -> dict[str, Route]:
        return {r.name: r for r in self.routes}

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        """The route serving ``method path``, with its path parameters.

        Literal segments win over parameters, as in Looker's router: ``/looks/search`` is
        ``search_looks``, not ``look`` of id ``search``.
        """
        parts = path.strip("/").split("/")
        best: tuple[tuple[int, ...], Route] | None = None
        for route in self._by_shape.get((method.upper(), len(parts)), ()):
            if all(
                seg is None or seg == part for seg, part in zip(route.segments, parts, strict=True)
            ):
                rank = tuple(1 if seg is None else 0 for seg in route.segments)
                if best is None or rank < best[0]:
                    best = (rank, route)
        if best is None:
            return None
        route = best[1]
        values = [p for seg, p in zip(route.segments, parts, strict=True) if seg is None]
        return route, dict(zip(route.path_params, values, strict=True))

    @functools.cached_property
    def _by_shape(self) -> dict[tuple[str, int], list[Route]]:
        shapes: dict[tuple[str, int], list[Route]] = {}
        for route in self.routes:
            shapes.setdefault((route.method, len(route.segments)), []).append(route)
        return shapes

    def check_query(self, route: Route, query: typing.Mapping[str, str]) -> list[Problem]:
        """Query parameters that are not the endpoint's own, missing or of the wrong type."""
        problems = [
            Problem(name, "invalid", f"is not a parameter of {route.name}")
            for name in query
            if name not in route.query_params
        ]
        problems += [
            Problem(name, "missing", "This field is required.")
            for name in sorted(route.required_query)
            if name not in query
        ]
        for name, value in query.items():
            kind = _plain(route.query_params.get(name, ""))
            if kind == "int" and not re.fullmatch(r"-?\d+", value):
                problems.append(Problem(name, "invalid", "must be a whole number"))
            elif kind == "bool" and value.lower() not in ("true", "false"):
                problems.append(Problem(name, "invalid", "must be true or false"))
        return problems

    def check_body(self, route: Route, body: Any, *, present: bool) -> list[Problem]:
        """A body that is not the endpoint's model: unknown or missing keys, wrong types."""
        if route.body is None:
            return []
        if not present and type(None) in get_args(route.body_type):
            # ``body: Optional[mdls.WriteScheduledPlan] = None`` (scheduled_plan_run_once_by_id):
            # the SDK sends no body at all when none is given.
            return []
        if not present or body is None:
            return [Problem("body", "missing", f"{route.name} takes a {route.body} body")]
        out: list[str] = []
        missing: list[str] = []
        _check(body, route.body_type, "", out, missing)
        return [Problem(f, "missing", "This field is required.") for f in missing] + [
            Problem(*_split(text)) for text in out
        ]

    def check_answer(self, route: Route, data: Any) -> list[str]:
        """Why ``data`` would not structure into the route's model ([]: it does)."""
        if route.raw_answer:
            return []
        out: list[str] = []
        missing: list[str] = []
        _check(data, route.structure_type, "", out, missing)
        return [f"{m}: required but missing" for m in missing] + out


@functools.cache
def contract() -> Contract:
    """API 4.0's routes, parsed once from ``looker_sdk/sdk/api40/methods.py``."""
    with open(inspect.getfile(sdk_methods), encoding="utf-8") as source:
        tree = ast.parse(source.read())
    sdk = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Looker40SDK")
    routes = [
        route
        for fn in sdk.body
        if isinstance(fn, ast.FunctionDef)
        for route in [_route(fn)]
        if route is not None
    ]
    return Contract(tuple(routes))


def model_fields(model: str) -> tuple[str, ...]:
    """The JSON keys of model ``model`` of ``looker_sdk/sdk/api40/models.py``."""
    return tuple(_json_key(f.name) for f in attr.fields(getattr(sdk_models, model)))


def required_fields(model: type) -> frozenset[str]:
    """The keys model ``model``'s generated ``__init__`` takes without a default."""
    return _required(model)


def render_task_statuses() -> tuple[str, ...]:
    """Render task statuses, in order, as ``RenderTask``'s docstring in models.py lists them."""
    doc = sdk_models.RenderTask.__doc__ or ""
    match = re.search(r"status: Render task status: ([a-z_, ]+)", doc)
    assert match, "RenderTask's docstring no longer lists the statuses"
    return tuple(s.strip() for s in match.group(1).split(","))


@functools.cache
def scheduled_plan_formats() -> dict[str, str]:
    """The destination formats of scheduled plans and what each is, from the table
    "Scheduled Plan Destination Formats" in the comments above ``create_scheduled_plan`` in
    looker_sdk/sdk/api40/methods.py (``| json | A JSON object containing ...``)."""
    with open(inspect.getfile(sdk_methods), encoding="utf-8") as source:
        text = source.read()
    end = text.index("def create_scheduled_plan(")
    start = text.rindex("#### Scheduled Plan Destination Formats", 0, end)
    rows = re.findall(r"^\s*# \| ([a-z_]+) \| (.+)$", text[start:end], re.MULTILINE)
    assert rows, "methods.py no longer has the scheduled plan formats table"
    # The first row is the table's header (| format | Description).
    return {name: description.strip() for name, description in rows[1:]}


def destination_types() -> tuple[str, ...]:
    """The destination types ``ScheduledPlanDestination.type``'s docstring lists
    ("Type of the address ('email', 'webhook', 's3', or 'sftp')")."""
    doc = sdk_models.ScheduledPlanDestination.__doc__ or ""
    match = re.search(r"type: Type of the address \(([^)]*)\)", doc)
    assert match, "ScheduledPlanDestination's docstring no longer lists the types"
    return tuple(re.findall(r"'([a-z0-9_-]+)'", match.group(1)))


def enum_values(name: str) -> tuple[str, ...]:
    """The values of enum ``name`` of models.py (``SupportedFormats``...), without the SDK's
    ``invalid_api_enum_value`` stand-in."""
    members = getattr(sdk_models, name)
    return tuple(m.value for m in members if m.value != "invalid_api_enum_value")


def parse_fields(spec: str) -> dict[str, Any]:
    """Looker's ``fields=`` syntax: ``id,title,folder(id,name)`` -> {name: sub-spec or None}."""
    tree: dict[str, Any] = {}
    stack = [tree]
    name = ""
    for char in spec + ",":
        if char in ",()":
            name = name.strip()
            if char == "(":
                sub: dict[str, Any] = {}
                stack[-1][name] = sub
                stack.append(sub)
            elif name:
                stack[-1][name] = None
            if char == ")" and len(stack) > 1:
                stack.pop()
            name = ""
        else:
            name += char
    return tree


def select_fields(data: Any, spec: dict[str, Any]) -> Any:
    """``data`` with only the fields ``spec`` asks for, as Looker answers a ``fields=``."""
    if isinstance(data, list):
        return [select_fields(item, spec) for item in data]
    if not isinstance(data, dict):
        return data
    return {
        key: value if spec[key] is None else select_fields(value, spec[key])
        for key, value in data.items()
        if key in spec
    }


# -- parsing methods.py --------------------------------------------------------------------


def _route(fn: ast.FunctionDef) -> Route | None:
    call: ast.Call | None = next(
        (
            c
            for c in ast.walk(fn)
            if isinstance(c, ast.Call)
            and isinstance(c.func, ast.Attribute)
            and isinstance(c.func.value, ast.Name)
            and c.func.value.id == "self"
            and c.func.attr in ("get", "post", "put", "patch", "delete")
        ),
        None,
    )
    if call is None or not isinstance(call.func, ast.Attribute):
        return None
    verb = call.func.attr.upper()
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    path = keywords.get("path")
    if isinstance(path, ast.Constant):
        template = str(path.value)
    elif isinstance(path, ast.JoinedStr):
        template = "".join(
            str(v.value) if isinstance(v, ast.Constant) else "{" + ast.unparse(v.value) + "}"
            for v in path.values
            if isinstance(v, ast.Constant | ast.FormattedValue)
        )
    else:
        return None
    args = fn.args.args[1:]  # without self
    defaults = [None] * (len(args) - len(fn.args.defaults)) + list(fn.args.defaults)
    annotations = {a.arg: ast.unparse(a.annotation) if a.annotation else "Any" for a in args}
    has_default = {a.arg: d is not None for a, d in zip(args, defaults, strict=True)}
    query_node = keywords.get("query_params")
    query_params: dict[str, str] = {}
    if isinstance(query_node, ast.Dict):
        for key, value in zip(query_node.keys, query_node.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(value, ast.Name):
                query_params[str(key.value)] = annotations.get(value.id, "Any")
    required = frozenset(
        name for name in query_params if name in has_default and not has_default[name]
    )
    body_node = keywords.get("body")
    body = None
    if isinstance(body_node, ast.Name) and body_node.id in annotations:
        body = annotations[body_node.id]
    structure = keywords.get("structure")
    return Route(
        name=fn.name,
        method=verb,
        template=template,
        query_params=query_params,
        required_query=required,
        body=body,
        structure=ast.unparse(structure) if structure is not None else "None",
    )


def _evaluate(annotation: str) -> Any:
    return eval(annotation, vars(sdk_methods))  # noqa: S307 - text of the SDK's own source


def _plain(annotation: str) -> str:
    """``Optional[int]`` -> ``int``."""
    match = re.fullmatch(r"Optional\[(.+)\]", annotation)
    return match.group(1) if match else annotation


# -- checking values against models.py -------------------------------------------------------


def _json_key(field_name: str) -> str:
    """A model field's JSON key (the SDK appends ``_`` to Python keywords: ``from_``)."""
    stem = field_name[:-1]
    return stem if field_name.endswith("_") and keyword.iskeyword(stem) else field_name


@functools.cache
def _hints(model: type) -> dict[str, Any]:
    """A model's fields by JSON key, with their types resolved in models.py."""
    hints = typing.get_type_hints(model, vars(sdk_models))
    return {_json_key(f.name): hints[f.name] for f in attr.fields(model)}


@functools.cache
def _required(model: type) -> frozenset[str]:
    signature = inspect.signature(model)  # the generated __init__, without self
    return frozenset(
        _json_key(p.name)
        for p in signature.parameters.values()
        if p.name != "self" and p.kind is p.KEYWORD_ONLY and p.default is p.empty
    )


def _resolve(tp: Any) -> Any:
    if isinstance(tp, str):
        return getattr(sdk_models, tp)
    if isinstance(tp, ForwardRef):
        return getattr(sdk_models, tp.__forward_arg__)
    return tp


def _name(tp: Any) -> str:
    return getattr(tp, "__name__", None) or str(tp).replace("typing.", "")


def _check(value: Any, tp: Any, where: str, out: list[str], missing: list[str]) -> None:
    """Add to ``out`` why ``value`` is not a ``tp`` (and to ``missing`` required keys)."""
    tp = _resolve(tp)
    label = where or "body"
    if tp is Any:
        return
    origin = get_origin(tp)
    if origin is Union:
        options = [a for a in get_args(tp) if a is not type(None)]
        if value is None:
            if len(options) < len(get_args(tp)):
                return
            out.append(f"{label}: null where {_name(tp)} is expected")
            return
        if len(options) == 1:
            _check(value, options[0], where, out, missing)
            return
        for option in options:
            trial: list[str] = []
            trial_missing: list[str] = []
            _check(value, option, where, trial, trial_missing)
            if not trial and not trial_missing:
                return
        out.append(f"{label}: {value!r} is none of {_name(tp)}")
        return
    if value is None:
        out.append(f"{label}: null where {_name(tp)} is expected")
        return
    if origin in (collections.abc.Sequence, collections.abc.MutableSequence, list):
        if not isinstance(value, list):
            out.append(f"{label}: {type(value).__name__} where a list is expected")
            return
        (item,) = get_args(tp) or (Any,)
        for index, element in enumerate(value):
            _check(element, item, f"{where}[{index}]", out, missing)
        return
    if origin in (collections.abc.MutableMapping, collections.abc.Mapping, dict):
        if not isinstance(value, dict):
            out.append(f"{label}: {type(value).__name__} where an object is expected")
            return
        _, item = get_args(tp) or (str, Any)
        for key, element in value.items():
            _check(element, item, f"{where}.{key}" if where else str(key), out, missing)
        return
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        allowed = {m.value for m in tp} - {"invalid_api_enum_value"}
        if value not in allowed:
            out.append(f"{label}: {value!r} is not one of {sorted(allowed)}")
        return
    if tp is datetime.datetime:
        try:
            hooks.datetime_structure_hook(value, datetime.datetime)
        except (TypeError, ValueError, AttributeError):
            out.append(f"{label}: {value!r} is not a date and time")
        return
    if tp is bool:
        if not isinstance(value, bool):
            out.append(f"{label}: {value!r} is not a boolean")
        return
    if tp is int:
        if not isinstance(value, int) or isinstance(value, bool):
            out.append(f"{label}: {value!r} is not an integer")
        return
    if tp is float:
        if not isinstance(value, int | float) or isinstance(value, bool):
            out.append(f"{label}: {value!r} is not a number")
        return
    if tp is str:
        if not isinstance(value, str):
            out.append(f"{label}: {value!r} is not a string")
        return
    if isinstance(tp, type) and attr.has(tp):
        _check_model(value, tp, where, out, missing)
        return
    out.append(f"{label}: no rule for {_name(tp)}")  # pragma: no cover - a new SDK type


def _check_model(value: Any, model: type, where: str, out: list[str], missing: list[str]) -> None:
    label = where or "body"
    if not isinstance(value, dict):
        out.append(f"{label}: {type(value).__name__} where a {model.__name__} is expected")
        return
    hints = _hints(model)
    prefix = f"{where}." if where else ""
    for key in value:
        if key not in hints:
            out.append(f"{prefix}{key}: not a field of {model.__name__}")
    for key in sorted(_required(model)):
        if value.get(key) is None:
            missing.append(f"{prefix}{key}")
    for key, tp in hints.items():
        if key in value and not (value[key] is None and key in _required(model)):
            _check(value[key], tp, f"{prefix}{key}", out, missing)


def _split(text: str) -> tuple[str, str, str]:
    field, _, message = text.partition(": ")
    return field, "invalid", message
