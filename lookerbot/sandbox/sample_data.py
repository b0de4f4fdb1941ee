"""A small, realistic dataset for the Looker emulator: an online shop's orders.

Generated deterministically from a seed and a "today", so the demo's "last 7 days" has data
and a test that fixes "today" gets the same rows every run.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

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
    """One field of the ``thelook/orders`` explore, in Looker's field metadata shape."""

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
            "suggest_explore": "orders" if self.suggestable else None,
            "sortable": True,
        }


_MONEY = "$#,##0.00"

FIELDS: tuple[FieldDef, ...] = (
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

FIELDS_BY_NAME = {f.name: f for f in FIELDS}


@dataclass
class Dataset:
    """The shop's orders, one flat row per order with every dimension's raw value."""

    today: date
    rows: list[dict[str, Any]] = field(default_factory=list)


def generate(today: date, *, orders: int = 600, seed: int = 7) -> Dataset:
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
    return Dataset(today=today, rows=rows)
