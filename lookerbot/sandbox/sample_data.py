"""Small, realistic datasets for the Looker emulator's three Explores.

- ``thelook/orders``: an online shop's orders, with their customers and products.
- ``saas/subscriptions``: a software company's subscriptions, with the accounts holding them.
- ``support/tickets``: a customer support desk's tickets, with the agents working them.

Each Explore is an :class:`ExploreDef`: its fields as Looker describes them (the page
``tests/fixtures/ask_explores.md`` is their specification), how each measure is computed,
and a row generator. Rows are generated deterministically from a seed and a "today", so the
demo's "last 7 days" has data and a test that fixes "today" gets the same rows every run.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

Row = dict[str, Any]
"""One flat row: every dimension's raw value by field name (timeframes of a dimension
group from its ``<group>_date``), plus columns measures read that are no fields."""

REGIONS = ("West", "East", "North", "South")
STATUSES = ("complete", "complete", "complete", "pending", "cancelled", "returned")
CATEGORIES = {
    "Outerwear": ("Parka", "Rain Jacket", "Fleece"),
    "Jeans": ("Slim Jeans", "Bootcut Jeans"),
    "Accessories": ("Scarf", "Beanie", "Belt"),
    "Shoes": ("Sneakers", "Boots"),
    "Sweaters": ("Cardigan", "Crewneck"),
}
BRANDS = ("Northwind", "Contoso", "Fabrikam", "Tailspin")
FIRST = (
    "Ada",
    "Grace",
    "Alan",
    "Edsger",
    "Barbara",
    "Ken",
    "Margaret",
    "Dennis",
    "Frances",
    "Donald",
    "Radia",
    "John",
    "Katherine",
    "Niklaus",
    "Shafi",
    "Tim",
    "Hedy",
    "Linus",
    "Sophie",
    "Guido",
)
LAST = (
    "Lovelace",
    "Hopper",
    "Turing",
    "Dijkstra",
    "Liskov",
    "Thompson",
    "Hamilton",
    "Ritchie",
    "Allen",
    "Knuth",
    "Perlman",
    "Backus",
    "Johnson",
    "Wirth",
    "Goldwasser",
    "Berners-Lee",
    "Lamarr",
    "Torvalds",
    "Wilson",
    "van Rossum",
)


@dataclass(frozen=True)
class FieldDef:
    """One field of an Explore, in Looker's field metadata shape."""

    name: str
    label_short: str
    category: str  # "dimension" or "measure"
    type: str
    view_label: str
    description: str = ""
    value_format: str | None = None
    tags: tuple[str, ...] = ()
    group_label: str | None = None
    dimension_group: str | None = None
    suggestable: bool = False
    group_variant: str | None = None
    primary_key: bool = False
    explore: str = "orders"
    """The Explore it belongs to (where its value suggestions come from)."""

    @property
    def view(self) -> str:
        return self.name.split(".")[0]

    @property
    def label(self) -> str:
        return f"{self.view_label} {self.label_short}"

    @property
    def is_numeric(self) -> bool:
        return self.type in ("number", "count", "sum", "average", "count_distinct", "max")

    @property
    def is_timeframe(self) -> bool:
        return self.dimension_group is not None

    def metadata(self) -> dict[str, Any]:
        """The field as Looker describes it in query results and explores."""
        return {
            "name": self.name,
            "label": self.label,
            "label_short": self.label_short,
            "view": self.view,
            "view_label": self.view_label,
            "category": self.category,
            "type": self.type,
            "description": self.description,
            "is_numeric": self.is_numeric,
            "value_format": self.value_format,
            "tags": list(self.tags),
            "hidden": False,
            "measure": self.category == "measure",
            "dimension_group": self.dimension_group,
            "field_group_label": self.group_label,
            "field_group_variant": self.group_variant,
            "is_timeframe": self.is_timeframe,
            "primary_key": self.primary_key,
            "suggestable": self.suggestable,
            "suggest_dimension": self.name if self.suggestable else None,
            "suggest_explore": self.explore if self.suggestable else None,
            "sortable": True,
        }


_MONEY = "$#,##0.00"
_PERCENT = "0.0%"

ORDERS_FIELDS: tuple[FieldDef, ...] = (
    FieldDef("orders.id", "ID", "dimension", "number", "Orders", primary_key=True),
    FieldDef(
        "orders.status",
        "Status",
        "dimension",
        "string",
        "Orders",
        "Where the order is: complete, pending, cancelled or returned.",
        suggestable=True,
    ),
    FieldDef(
        "orders.created_date",
        "Created Date",
        "dimension",
        "date_date",
        "Orders",
        "The day the order was placed.",
        dimension_group="orders.created",
        group_label="Created Date",
        group_variant="Date",
    ),
    FieldDef(
        "orders.created_week",
        "Created Week",
        "dimension",
        "date_week",
        "Orders",
        dimension_group="orders.created",
        group_label="Created Date",
        group_variant="Week",
    ),
    FieldDef(
        "orders.created_month",
        "Created Month",
        "dimension",
        "date_month",
        "Orders",
        dimension_group="orders.created",
        group_label="Created Date",
        group_variant="Month",
    ),
    FieldDef(
        "orders.created_quarter",
        "Created Quarter",
        "dimension",
        "date_quarter",
        "Orders",
        dimension_group="orders.created",
        group_label="Created Date",
        group_variant="Quarter",
    ),
    FieldDef(
        "orders.created_year",
        "Created Year",
        "dimension",
        "date_year",
        "Orders",
        dimension_group="orders.created",
        group_label="Created Date",
        group_variant="Year",
    ),
    FieldDef(
        "orders.amount",
        "Amount",
        "dimension",
        "number",
        "Orders",
        "The value of one order.",
        value_format=_MONEY,
    ),
    FieldDef("customers.name", "Name", "dimension", "string", "Customers", suggestable=True),
    FieldDef("customers.email", "Email", "dimension", "string", "Customers"),
    FieldDef(
        "customers.region",
        "Region",
        "dimension",
        "string",
        "Customers",
        "Sales region of the customer's address.",
        tags=("territory", "area"),
        suggestable=True,
    ),
    FieldDef(
        "products.category",
        "Category",
        "dimension",
        "string",
        "Products",
        "Product category.",
        tags=("department",),
        suggestable=True,
    ),
    FieldDef("products.brand", "Brand", "dimension", "string", "Products", suggestable=True),
    FieldDef("products.name", "Name", "dimension", "string", "Products", suggestable=True),
    FieldDef(
        "orders.count",
        "Count",
        "measure",
        "count",
        "Orders",
        "Number of orders.",
        tags=("orders", "number of orders"),
    ),
    FieldDef(
        "orders.total_revenue",
        "Total Revenue",
        "measure",
        "sum",
        "Orders",
        "Sum of order amounts, before refunds.",
        value_format=_MONEY,
        tags=("sales", "revenue", "gmv"),
    ),
    FieldDef(
        "orders.average_order_value",
        "Average Order Value",
        "measure",
        "average",
        "Orders",
        "Average amount per order.",
        value_format=_MONEY,
        tags=("aov", "basket size"),
    ),
    FieldDef(
        "orders.net_revenue",
        "Net Revenue",
        "measure",
        "sum",
        "Orders",
        "Sum of the amounts of completed orders: cancelled, pending and returned orders are "
        "left out.",
        value_format=_MONEY,
        tags=("net sales",),
    ),
    FieldDef(
        "orders.returned_count",
        "Returned Orders",
        "measure",
        "count",
        "Orders",
        "Number of orders that customers sent back.",
        tags=("returns",),
    ),
    FieldDef(
        "orders.largest_order",
        "Largest Order",
        "measure",
        "max",
        "Orders",
        "The amount of the biggest single order.",
        value_format=_MONEY,
        tags=("biggest order", "max order"),
    ),
    FieldDef(
        "customers.count",
        "Count",
        "measure",
        "count_distinct",
        "Customers",
        "Number of distinct customers.",
        tags=("customers", "buyers"),
    ),
)


# -- how measures are computed ---------------------------------------------------------------

Measure = Callable[[Sequence[Row]], float | int | None]
"""A measure's value over the rows of one group."""
Where = Callable[[Row], bool]


def _is(column: str, *values: Any) -> Where:
    """Rows whose ``column`` is one of ``values`` (a measure's ``filters:`` in LookML)."""
    return lambda row: row[column] in values


def _rows(rows: Sequence[Row], where: Where | None) -> Sequence[Row]:
    return rows if where is None else [r for r in rows if where(r)]


def _count(where: Where | None = None) -> Measure:
    """``type: count``, optionally filtered."""
    return lambda rows: len(_rows(rows, where))


def _count_distinct(column: str, where: Where | None = None) -> Measure:
    """``type: count_distinct`` of ``column`` (nulls not counted)."""
    return lambda rows: len({r[column] for r in _rows(rows, where) if r[column] is not None})


def _sum(column: str, where: Where | None = None, times: int = 1) -> Measure:
    """``type: sum`` of ``column`` (times ``times``); money to the cent, counts as integers."""

    def measure(rows: Sequence[Row]) -> float | int:
        values = [r[column] for r in _rows(rows, where) if r[column] is not None]
        if all(isinstance(v, int) for v in values):
            return int(sum(values)) * times
        return round(sum(float(v) for v in values) * times, 2)

    return measure


def _average(column: str, where: Where | None = None) -> Measure:
    """``type: average`` of ``column`` (nulls left out; ``None`` when nothing is left)."""

    def measure(rows: Sequence[Row]) -> float | None:
        values = [float(r[column]) for r in _rows(rows, where) if r[column] is not None]
        return round(sum(values) / len(values), 2) if values else None

    return measure


def _max(column: str) -> Measure:
    """``type: max`` of ``column``."""

    def measure(rows: Sequence[Row]) -> float | None:
        values = [float(r[column]) for r in rows if r[column] is not None]
        return max(values) if values else None

    return measure


def _ratio(numerator: Measure, denominator: Measure, digits: int = 2) -> Measure:
    """One measure divided by another (``None`` when the denominator is 0 or null)."""

    def measure(rows: Sequence[Row]) -> float | None:
        top, bottom = numerator(rows), denominator(rows)
        if top is None or not bottom:
            return None
        return round(top / bottom, digits)

    return measure


# -- Explores --------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ExploreDef:
    """One Explore of the emulated Looker: what its API describes and how its rows are made.

    Attributes:
        model: the LookML model (``thelook``).
        name: the Explore (``orders``), also its base view.
        label: the Explore's label.
        description: the Explore's description.
        model_label: the model's label (the Explore's group label in Looker's menu).
        fields: its dimensions and measures, as Looker describes them.
        measures: how each measure is computed, by name.
        drill_fields: the fields a measure's "Show All" drill link asks for.
        row_noun: what one row is, plural (``orders``).
        default_rows: how many rows the emulator generates.
        make_rows: the row generator: ``(today, how many, seed)``.
    """

    model: str
    name: str
    label: str
    description: str
    model_label: str
    fields: tuple[FieldDef, ...]
    measures: Mapping[str, Measure]
    drill_fields: tuple[str, ...]
    row_noun: str
    default_rows: int
    make_rows: Callable[[date, int, int], list[Row]]

    @property
    def key(self) -> str:
        """``model/explore``, as the bot's settings name an Explore."""
        return f"{self.model}/{self.name}"

    @property
    def scopes(self) -> list[str]:
        """The views joined in, the base view first."""
        return list(dict.fromkeys([self.name, *(f.view for f in self.fields)]))

    @functools.cached_property
    def fields_by_name(self) -> dict[str, FieldDef]:
        return {f.name: f for f in self.fields}

    def dataset(self, today: date, *, rows: int | None = None, seed: int = 7) -> Dataset:
        """The Explore's rows for ``today`` (``rows`` of them, else ``default_rows``)."""
        count = self.default_rows if rows is None else rows
        return Dataset(today=today, rows=self.make_rows(today, count, seed), explore=self)

    def check(self) -> None:
        """Every measure is computed, every computed measure is a field."""
        declared = {f.name for f in self.fields if f.category == "measure"}
        assert declared == set(self.measures), (self.key, declared ^ set(self.measures))


def _in_explore(explore: str, fields: Sequence[FieldDef]) -> tuple[FieldDef, ...]:
    return tuple(dataclasses.replace(f, explore=explore) for f in fields)


def _timeframes(group: str, label: str, view_label: str, description: str) -> tuple[FieldDef, ...]:
    """The date, week, month, quarter and year of dimension group ``view.group``."""
    return tuple(
        FieldDef(
            f"{group}_{timeframe.lower()}",
            f"{label} {timeframe}",
            "dimension",
            f"date_{timeframe.lower()}",
            view_label,
            description if timeframe == "Date" else "",
            dimension_group=group,
            group_label=f"{label} Date",
            group_variant=timeframe,
        )
        for timeframe in ("Date", "Week", "Month", "Quarter", "Year")
    )


def _orders_rows(today: date, orders: int, seed: int) -> list[Row]:
    """Orders spread over the year before ``today``."""
    rng = random.Random(seed)
    customers = [
        (f"{FIRST[i]} {LAST[i]}", f"{FIRST[i].lower()}@example.com", REGIONS[i % len(REGIONS)])
        for i in range(len(FIRST))
    ]
    products = [
        (name, category, BRANDS[(i + len(name)) % len(BRANDS)])
        for category, names in CATEGORIES.items()
        for i, name in enumerate(names)
    ]
    rows = []
    for order_id in range(1, orders + 1):
        name, email, region = rng.choice(customers)
        product, category, brand = rng.choice(products)
        created = today - timedelta(days=rng.randrange(0, 365))
        rows.append(
            {
                "orders.id": order_id,
                "orders.status": rng.choice(STATUSES),
                "orders.created_date": created,
                "orders.amount": round(rng.uniform(12, 480), 2),
                "customers.name": name,
                "customers.email": email,
                "customers.region": region,
                "products.category": category,
                "products.brand": brand,
                "products.name": product,
            }
        )
    return rows


_ORDER_AMOUNT = "orders.amount"

ORDERS = ExploreDef(
    model="thelook",
    name="orders",
    label="Orders",
    description="Orders placed in the online shop, with their customers and products.",
    model_label="The Look",
    fields=ORDERS_FIELDS,
    measures={
        "orders.count": _count(),
        "orders.total_revenue": _sum(_ORDER_AMOUNT),
        "orders.average_order_value": _average(_ORDER_AMOUNT),
        "orders.net_revenue": _sum(_ORDER_AMOUNT, _is("orders.status", "complete")),
        "orders.returned_count": _count(_is("orders.status", "returned")),
        "orders.largest_order": _max(_ORDER_AMOUNT),
        "customers.count": _count_distinct("customers.email"),
    },
    drill_fields=("orders.id", "orders.amount"),
    row_noun="orders",
    default_rows=600,
    make_rows=_orders_rows,
)

FIELDS = ORDERS.fields
"""The fields of ``thelook/orders``."""
FIELDS_BY_NAME = ORDERS.fields_by_name


# -- saas/subscriptions ----------------------------------------------------------------------

ACCOUNTS = (  # name, segment, industry, country: fixed for each account
    ("Acme Corp", "Enterprise", "Manufacturing", "United States"),
    ("Blue Harbor Bank", "Enterprise", "Financial Services", "United Kingdom"),
    ("Cedar Health", "Mid-Market", "Healthcare", "Canada"),
    ("Delta Freight", "Mid-Market", "Manufacturing", "Germany"),
    ("Evergreen Schools", "SMB", "Education", "United States"),
    ("Fjord Analytics", "SMB", "Software", "United Kingdom"),
    ("Granite Works", "Mid-Market", "Manufacturing", "Australia"),
    ("Harbor Retail Group", "Enterprise", "Retail", "United States"),
    ("Ion Robotics", "Mid-Market", "Manufacturing", "Germany"),
    ("Juniper Foods", "Mid-Market", "Retail", "France"),
    ("Keystone Insurance", "Enterprise", "Financial Services", "United States"),
    ("Lumen Labs", "SMB", "Software", "United States"),
    ("Maple Learning", "Mid-Market", "Education", "Canada"),
    ("Northstar Logistics", "Enterprise", "Manufacturing", "Canada"),
    ("Orchid Clinics", "SMB", "Healthcare", "Australia"),
    ("Pine & Co", "SMB", "Retail", "United Kingdom"),
    ("Quartz Software", "Mid-Market", "Software", "France"),
    ("Redwood Manufacturing", "Enterprise", "Manufacturing", "Germany"),
    ("Summit Credit Union", "Mid-Market", "Financial Services", "United States"),
    ("Tidewater Outfitters", "SMB", "Retail", "Australia"),
)
PLANS = {"Starter": 12.0, "Growth": 29.0, "Pro": 49.0, "Enterprise Plus": 89.0}
"""List price per seat and month."""
SEGMENTS = {
    # segment: (weight of an account's subscriptions, plan weights in PLANS' order,
    #           seats (low, high, most often), share billed annually, churn over a year)
    "SMB": (2, (60, 30, 10, 0), (1, 20, 4), 0.25, 0.40),
    "Mid-Market": (3, (15, 40, 35, 10), (10, 80, 25), 0.5, 0.22),
    "Enterprise": (4, (0, 15, 45, 40), (50, 500, 120), 0.8, 0.10),
}
SUBSCRIPTION_STATUSES = ("active", "churned", "past due", "trialing")
PAYING = ("active", "past due")
"""The statuses whose subscriptions count in MRR."""
ANNUAL_DISCOUNT = 10 / 12
"""Annual billing: twelve months for the price of ten."""
SPAN_DAYS = 730
"""The new Explores' rows are dated over the 730 days up to today."""


def _subscription_rows(today: date, subscriptions: int, seed: int) -> list[Row]:
    """Subscriptions signed up over the 730 days before ``today``: bigger accounts hold more
    of them, with more seats and pricier plans, and churn less."""
    rng = random.Random(f"{seed}/saas/subscriptions")
    weights = [SEGMENTS[segment][0] for _, segment, _, _ in ACCOUNTS]
    rows = []
    for sub_id in range(1, subscriptions + 1):
        account, segment, industry, country = rng.choices(ACCOUNTS, weights)[0]
        _, plan_weights, (low, high, mode), annual_share, churn = SEGMENTS[segment]
        plan = rng.choices(list(PLANS), plan_weights)[0]
        seats = int(rng.triangular(low, high, mode))
        annual = rng.random() < annual_share
        days_ago = rng.randrange(0, SPAN_DAYS)
        if days_ago < 30 and rng.random() < 0.6:
            status = "trialing"
        elif rng.random() < churn * min(1.0, (days_ago + 30) / 365):
            status = "churned"
        elif rng.random() < 0.06:
            status = "past due"
        else:
            status = "active"
        monthly = seats * PLANS[plan] * (ANNUAL_DISCOUNT if annual else 1.0)
        rows.append(
            {
                "subscriptions.id": sub_id,
                "subscriptions.plan": plan,
                "subscriptions.status": status,
                "subscriptions.billing_period": "annual" if annual else "monthly",
                "subscriptions.signup_date": today - timedelta(days=days_ago),
                "subscriptions.seats": seats,
                "subscriptions.monthly_price": round(monthly, 2),
                "accounts.name": account,
                "accounts.segment": segment,
                "accounts.industry": industry,
                "accounts.country": country,
            }
        )
    return rows


_SUBSCRIPTIONS = "Subscriptions"
_ACCOUNTS = "Accounts"
_PRICE = "subscriptions.monthly_price"
_PAYING = _is("subscriptions.status", *PAYING)
_MRR = _sum(_PRICE, _PAYING)
_CHURNED = _count(_is("subscriptions.status", "churned"))

SUBSCRIPTIONS = ExploreDef(
    model="saas",
    name="subscriptions",
    label="Subscriptions",
    description="Subscriptions to the company's software, with the accounts that hold them.",
    model_label="SaaS",
    fields=_in_explore(
        "subscriptions",
        (
            FieldDef(
                "subscriptions.id", "ID", "dimension", "number", _SUBSCRIPTIONS, primary_key=True
            ),
            FieldDef(
                "subscriptions.plan",
                "Plan",
                "dimension",
                "string",
                _SUBSCRIPTIONS,
                "The price plan the subscription is on.",
                tags=("tier", "package"),
                suggestable=True,
            ),
            FieldDef(
                "subscriptions.status",
                "Status",
                "dimension",
                "string",
                _SUBSCRIPTIONS,
                "Whether the subscription is active, trialing, past due or churned (cancelled).",
                suggestable=True,
            ),
            FieldDef(
                "subscriptions.billing_period",
                "Billing Period",
                "dimension",
                "string",
                _SUBSCRIPTIONS,
                "How often the subscription is invoiced: monthly or annual.",
                tags=("billing cycle",),
                suggestable=True,
            ),
            *_timeframes(
                "subscriptions.signup",
                "Signup",
                _SUBSCRIPTIONS,
                "The day the account signed up for this subscription.",
            ),
            FieldDef(
                "subscriptions.seats",
                "Seats",
                "dimension",
                "number",
                _SUBSCRIPTIONS,
                "Licensed seats on one subscription.",
            ),
            FieldDef(
                "accounts.name",
                "Name",
                "dimension",
                "string",
                _ACCOUNTS,
                "The customer company.",
                tags=("customer", "company", "client"),
                suggestable=True,
            ),
            FieldDef(
                "accounts.segment",
                "Segment",
                "dimension",
                "string",
                _ACCOUNTS,
                "Customer size: SMB, Mid-Market or Enterprise.",
                tags=("size", "market segment"),
                suggestable=True,
            ),
            FieldDef(
                "accounts.industry",
                "Industry",
                "dimension",
                "string",
                _ACCOUNTS,
                tags=("vertical", "sector"),
                suggestable=True,
            ),
            FieldDef(
                "accounts.country",
                "Country",
                "dimension",
                "string",
                _ACCOUNTS,
                "Where the account is billed.",
                tags=("geo",),
                suggestable=True,
            ),
            FieldDef(
                "subscriptions.count",
                "Count",
                "measure",
                "count",
                _SUBSCRIPTIONS,
                "Number of subscriptions.",
                tags=("subscriptions", "subs"),
            ),
            FieldDef(
                "accounts.count",
                "Count",
                "measure",
                "count_distinct",
                _ACCOUNTS,
                "Number of distinct customer accounts.",
                tags=("customers", "logos", "clients"),
            ),
            FieldDef(
                "subscriptions.total_mrr",
                "MRR",
                "measure",
                "sum",
                _SUBSCRIPTIONS,
                "Monthly recurring revenue: the sum of the monthly price of active and past-due "
                "subscriptions.",
                value_format=_MONEY,
                tags=("recurring revenue",),
            ),
            FieldDef(
                "subscriptions.total_arr",
                "ARR",
                "measure",
                "sum",
                _SUBSCRIPTIONS,
                "Annual recurring revenue: MRR times twelve.",
                value_format=_MONEY,
            ),
            FieldDef(
                "subscriptions.arpu",
                "Average Revenue per User",
                "measure",
                "average",
                _SUBSCRIPTIONS,
                "ARPU: monthly recurring revenue divided by the number of paying accounts.",
                value_format=_MONEY,
            ),
            FieldDef(
                "subscriptions.churned_count",
                "Churned Subscriptions",
                "measure",
                "count",
                _SUBSCRIPTIONS,
                "Subscriptions that were cancelled.",
                tags=("churn", "cancellations", "cancelled"),
            ),
            FieldDef(
                "subscriptions.churn_rate",
                "Churn Rate",
                "measure",
                "number",
                _SUBSCRIPTIONS,
                "Churned subscriptions as a share of all subscriptions.",
                value_format=_PERCENT,
            ),
            FieldDef(
                "subscriptions.total_seats",
                "Total Seats",
                "measure",
                "sum",
                _SUBSCRIPTIONS,
                "Licensed seats across subscriptions.",
                tags=("licenses", "users"),
            ),
            FieldDef(
                "subscriptions.average_seats",
                "Average Seats",
                "measure",
                "average",
                _SUBSCRIPTIONS,
                "Average licensed seats per subscription.",
            ),
        ),
    ),
    measures={
        "subscriptions.count": _count(),
        "accounts.count": _count_distinct("accounts.name"),
        "subscriptions.total_mrr": _MRR,
        "subscriptions.total_arr": _sum(_PRICE, _PAYING, times=12),
        "subscriptions.arpu": _ratio(_MRR, _count_distinct("accounts.name", _PAYING)),
        "subscriptions.churned_count": _CHURNED,
        "subscriptions.churn_rate": _ratio(_CHURNED, _count(), digits=4),
        "subscriptions.total_seats": _sum("subscriptions.seats"),
        "subscriptions.average_seats": _average("subscriptions.seats"),
    },
    drill_fields=(
        "subscriptions.id",
        "accounts.name",
        "subscriptions.plan",
        "subscriptions.status",
        "subscriptions.seats",
    ),
    row_noun="subscriptions",
    default_rows=300,
    make_rows=_subscription_rows,
)


# -- support/tickets -------------------------------------------------------------------------

AGENTS = (  # name, team: fixed for each agent
    ("Maria Garcia", "Tier 1"),
    ("Chen Wei", "Tier 1"),
    ("Priya Patel", "Tier 1"),
    ("James O'Brien", "Tier 1"),
    ("Fatima Khan", "Tier 1"),
    ("Lucas Silva", "Tier 2"),
    ("Emma Schmidt", "Tier 2"),
    ("Kenji Tanaka", "Tier 2"),
    ("Olivia Brown", "Escalations"),
    ("Noah Williams", "Escalations"),
)
PRIORITIES = {
    # priority: (weight, hours to resolve most often, first response factor, escalated share)
    "Low": (25, 50.0, 1.5, 0.01),
    "Normal": (45, 26.0, 1.0, 0.04),
    "High": (20, 10.0, 0.5, 0.12),
    "Urgent": (10, 3.0, 0.25, 0.30),
}
CHANNELS = {"Email": (35, 180.0), "Chat": (30, 4.0), "Web Form": (20, 240.0), "Phone": (15, 2.0)}
"""channel: (weight, minutes to a first response most often)"""
TOPICS = {
    "Login Issues": 25,
    "Billing": 22,
    "Bug Report": 20,
    "Account Changes": 18,
    "Feature Request": 15,
}
TICKET_STATUSES = ("closed", "open", "pending", "solved")
SOLVED = ("solved", "closed")
"""The statuses of a ticket that is resolved."""


def _ticket_status(rng: random.Random, days_ago: int) -> str:
    """New tickets are mostly still being worked; a solved ticket closes after a few days."""
    if days_ago <= 3:
        weights = (0, 40, 25, 35)
    elif days_ago <= 14:
        weights = (32, 8, 10, 50)
    else:
        weights = (94, 2, 2, 2)
    return rng.choices(TICKET_STATUSES, weights)[0]


def _ticket_rows(today: date, tickets: int, seed: int) -> list[Row]:
    """Tickets created over the 730 days before ``today``, more of them lately: urgent ones
    are answered and resolved faster, escalated ones go to the Escalations team, and the
    surveys rate a fast resolution better."""
    rng = random.Random(f"{seed}/support/tickets")
    by_team: dict[str, list[str]] = {}
    for name, team in AGENTS:
        by_team.setdefault(team, []).append(name)
    team_of = dict(AGENTS)
    rows = []
    for ticket_id in range(1, tickets + 1):
        priority = rng.choices(list(PRIORITIES), [p[0] for p in PRIORITIES.values()])[0]
        _, usual_hours, response_factor, escalation = PRIORITIES[priority]
        channel_weights = [c[0] for c in CHANNELS.values()]
        if priority == "Urgent":
            channel_weights[list(CHANNELS).index("Phone")] *= 3
        channel = rng.choices(list(CHANNELS), channel_weights)[0]
        topic = rng.choices(list(TOPICS), list(TOPICS.values()))[0]
        escalated = rng.random() < escalation + (0.08 if topic == "Bug Report" else 0.0)
        if escalated:
            team = "Escalations"
        elif priority in ("High", "Urgent") or topic == "Bug Report":
            team = "Tier 2" if rng.random() < 0.6 else "Tier 1"
        else:
            team = "Tier 2" if rng.random() < 0.15 else "Tier 1"
        agent = rng.choice(by_team[team])
        if rng.random() < 0.5:
            days_ago = rng.randrange(0, SPAN_DAYS)
        else:  # the desk grows: more tickets lately
            days_ago = min(SPAN_DAYS - 1, int(SPAN_DAYS * (1 - math.sqrt(rng.random()))))
        status = _ticket_status(rng, days_ago)
        resolution: float | None = None
        rating: int | None = None
        if status in SOLVED:
            hours = rng.lognormvariate(math.log(usual_hours), 0.5) * (1.6 if escalated else 1)
            resolution = round(max(0.2, min(hours, days_ago * 24 + 23.5)), 1)
            if rng.random() < 0.45:  # the share of customers answering the survey
                fast = resolution <= usual_hours * (1.6 if escalated else 1)
                weights = (2, 4, 9, 30, 55) if fast else (8, 12, 20, 35, 25)
                rating = rng.choices((1, 2, 3, 4, 5), weights)[0]
        usual_minutes = CHANNELS[channel][1] * response_factor
        first_response = max(1, round(rng.lognormvariate(math.log(usual_minutes), 0.5)))
        rows.append(
            {
                "tickets.id": ticket_id,
                "tickets.priority": priority,
                "tickets.channel": channel,
                "tickets.status": status,
                "tickets.topic": topic,
                "tickets.created_date": today - timedelta(days=days_ago),
                "tickets.resolution_hours": resolution,
                "tickets.first_response_minutes": first_response,
                "tickets.csat_rating": rating,
                "tickets.is_escalated": escalated,
                "agents.name": agent,
                "agents.team": team_of[agent],
            }
        )
    return rows


_TICKETS = "Tickets"
_AGENTS = "Agents"

TICKETS = ExploreDef(
    model="support",
    name="tickets",
    label="Support Tickets",
    description="Tickets raised with customer support, with the agents who work them.",
    model_label="Support",
    fields=_in_explore(
        "tickets",
        (
            FieldDef("tickets.id", "ID", "dimension", "number", _TICKETS, primary_key=True),
            FieldDef(
                "tickets.priority",
                "Priority",
                "dimension",
                "string",
                _TICKETS,
                "How urgent the customer's problem is: Low, Normal, High or Urgent.",
                tags=("severity",),
                suggestable=True,
            ),
            FieldDef(
                "tickets.channel",
                "Channel",
                "dimension",
                "string",
                _TICKETS,
                "How the customer reached support.",
                tags=("source", "contact method"),
                suggestable=True,
            ),
            FieldDef(
                "tickets.status",
                "Status",
                "dimension",
                "string",
                _TICKETS,
                "Where the ticket is: open, pending, solved or closed.",
                suggestable=True,
            ),
            FieldDef(
                "tickets.topic",
                "Topic",
                "dimension",
                "string",
                _TICKETS,
                "What the ticket is about.",
                tags=("category", "reason", "issue type"),
                suggestable=True,
            ),
            *_timeframes("tickets.created", "Created", _TICKETS, "The day the ticket was opened."),
            FieldDef(
                "tickets.resolution_hours",
                "Resolution Hours",
                "dimension",
                "number",
                _TICKETS,
                "Hours from creation to solved, for solved and closed tickets.",
            ),
            FieldDef(
                "agents.name",
                "Name",
                "dimension",
                "string",
                _AGENTS,
                "The support agent the ticket is assigned to.",
                tags=("assignee", "rep"),
                suggestable=True,
            ),
            FieldDef(
                "agents.team",
                "Team",
                "dimension",
                "string",
                _AGENTS,
                "The agent's support tier.",
                tags=("tier", "queue"),
                suggestable=True,
            ),
            FieldDef(
                "tickets.count",
                "Count",
                "measure",
                "count",
                _TICKETS,
                "Number of tickets.",
                tags=("tickets", "volume", "cases"),
            ),
            FieldDef(
                "tickets.solved_count",
                "Solved Tickets",
                "measure",
                "count",
                _TICKETS,
                "Tickets that are solved or closed.",
                tags=("resolved", "closed tickets"),
            ),
            FieldDef(
                "tickets.escalated_count",
                "Escalated Tickets",
                "measure",
                "count",
                _TICKETS,
                "Tickets moved up to the Escalations team.",
                tags=("escalations",),
            ),
            FieldDef(
                "tickets.average_resolution_hours",
                "Average Resolution Time",
                "measure",
                "average",
                _TICKETS,
                "Average hours from creation to solved, for solved and closed tickets.",
                tags=("time to resolve", "ttr", "resolution time"),
            ),
            FieldDef(
                "tickets.average_first_response_minutes",
                "Average First Response Time",
                "measure",
                "average",
                _TICKETS,
                "Average minutes until an agent first replied.",
                tags=("frt", "response time"),
            ),
            FieldDef(
                "tickets.csat",
                "CSAT",
                "measure",
                "average",
                _TICKETS,
                "Customer satisfaction: the average survey rating, out of 5.",
                tags=("satisfaction", "customer satisfaction", "rating"),
            ),
            FieldDef(
                "agents.count",
                "Count",
                "measure",
                "count_distinct",
                _AGENTS,
                "Number of distinct agents.",
                tags=("agents", "reps"),
            ),
        ),
    ),
    measures={
        "tickets.count": _count(),
        "tickets.solved_count": _count(_is("tickets.status", *SOLVED)),
        "tickets.escalated_count": _count(_is("tickets.is_escalated", True)),
        "tickets.average_resolution_hours": _average("tickets.resolution_hours"),
        "tickets.average_first_response_minutes": _average("tickets.first_response_minutes"),
        "tickets.csat": _average("tickets.csat_rating"),
        "agents.count": _count_distinct("agents.name"),
    },
    drill_fields=("tickets.id", "tickets.priority", "tickets.status", "agents.name"),
    row_noun="tickets",
    default_rows=1500,
    make_rows=_ticket_rows,
)


# -- all of them -----------------------------------------------------------------------------

EXPLORES: dict[str, ExploreDef] = {e.key: e for e in (ORDERS, SUBSCRIPTIONS, TICKETS)}
"""The emulator's Explores by ``model/explore``."""
for _explore in EXPLORES.values():
    _explore.check()


def explore_def(model: str, explore: str) -> ExploreDef | None:
    """The Explore ``model/explore``, or ``None`` when there is none."""
    return EXPLORES.get(f"{model}/{explore}")


@dataclass
class Dataset:
    """One Explore's rows: one flat row per order, subscription or ticket."""

    today: date
    rows: list[Row] = field(default_factory=list)
    explore: ExploreDef = ORDERS
    """The Explore the rows are of (the shop's orders unless said)."""


def generate(today: date, *, orders: int = 600, seed: int = 7) -> Dataset:
    """The shop's orders, spread over the year before ``today``."""
    return ORDERS.dataset(today, rows=orders, seed=seed)


def generate_all(
    today: date, *, seed: int = 7, rows: Mapping[str, int] | None = None
) -> dict[str, Dataset]:
    """Every Explore's rows for ``today``, by ``model/explore`` (``rows`` overrides how many)."""
    counts = rows or {}
    return {
        key: explore.dataset(today, rows=counts.get(key), seed=seed)
        for key, explore in EXPLORES.items()
    }
