"""One hand-computed world for the report tests, frozen on Friday 15 May 2026 at noon UTC.

Standard periods from that day: this quarter so far 1 Apr–15 May 2026, last quarter
1 Jan–31 Mar 2026, last month April 2026, last 12 months 1 Jun 2025–15 May 2026.
Anna and Marco are account managers, Sofia a sales manager.

Orders (net EUR):                        Deals (closed):
  A1 Anna   2025-05-31 23:59  999 (out)    Anna   won  1000 2026-01-10, won 500 2026-03-31 23:00
  A1        2025-06-01 00:00   30          Anna   lost  300 2026-02-01
  A1        2026-01-15         50          Marco  won  2000 2026-02-15
  A1        2026-03-10        600          Marco  lost  100 2026-03-01, lost 50 2026-03-02
  A1        2026-04-02        100          out:   Anna won 999 2026-04-01 00:00,
  A1        2026-04-05        500 cancelled         Anna won 777 2025-12-31 23:59, one open
  A1        2026-05-10        200
  A2 Anna   2026-04-25         70        A2 opened 2026-04-20 (new this quarter)
  M1 Marco  2025-10-01         10        A3 (Anna) opened 2025-06-01, never ordered
  M1        2026-02-20        400        M2 (Marco) on hold, never ordered
  M3 Marco  2026-03-16 10:00    5
"""

import datetime

import pytest
import time_machine

from orders import states
from tests.crm_embedded.reports.factories import (
    at,
    company_make,
    deal_make,
    order_make,
    quote_make,
    staff_make,
)
from tests.factories import UserFactory

D = datetime.date
NOW = datetime.datetime(2026, 5, 15, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def world(db, frozen):
    anna = staff_make(email="anna@partshub.example", first="Anna", last="Berg")
    marco = staff_make(email="marco@partshub.example", first="Marco", last="Rossi")
    sofia = staff_make(
        email="sofia@partshub.example", group="Sales managers", first="Sofia", last="Sales"
    )
    a1 = company_make(name="A1 Anna Alpha GmbH", manager=anna, opened=D(2025, 1, 10))
    a2 = company_make(name="A2 Anna New GmbH", manager=anna, opened=D(2026, 4, 20))
    a3 = company_make(name="A3 Anna Silent GmbH", manager=anna, opened=D(2025, 6, 1))
    m1 = company_make(name="M1 Marco One GmbH", manager=marco, opened=D(2025, 3, 1))
    m2 = company_make(name="M2 Marco Hold GmbH", manager=marco, opened=D(2025, 1, 1),
                      status="on_hold")  # fmt: skip
    m3 = company_make(name="M3 Marco Edge GmbH", manager=marco, opened=D(2025, 1, 1))

    order_make(company=a1, placed=at(D(2025, 5, 31), 23, 59), total="999.00")
    order_make(company=a1, placed=at(D(2025, 6, 1), 0, 0), total="30.00")
    order_make(company=a1, placed=at(D(2026, 1, 15)), total="50.00")
    order_make(company=a1, placed=at(D(2026, 3, 10)), total="600.00")
    order_make(company=a1, placed=at(D(2026, 4, 2)), total="100.00")
    order_make(company=a1, placed=at(D(2026, 4, 5)), total="500.00", status=states.CANCELLED)
    order_make(company=a1, placed=at(D(2026, 5, 10)), total="200.00")
    order_make(company=a2, placed=at(D(2026, 4, 25)), total="70.00")
    order_make(company=m1, placed=at(D(2025, 10, 1)), total="10.00")
    order_make(company=m1, placed=at(D(2026, 2, 20)), total="400.00")
    order_make(company=m3, placed=at(D(2026, 3, 16), 10), total="5.00")

    deal_make(company=a1, owner=anna, amount="1000.00", kind="won", closed=at(D(2026, 1, 10)))
    deal_make(company=a1, owner=anna, amount="500.00", kind="won", closed=at(D(2026, 3, 31), 23))
    deal_make(company=a1, owner=anna, amount="300.00", kind="lost", closed=at(D(2026, 2, 1)))
    deal_make(company=m1, owner=marco, amount="2000.00", kind="won", closed=at(D(2026, 2, 15)))
    deal_make(company=m1, owner=marco, amount="100.00", kind="lost", closed=at(D(2026, 3, 1)))
    deal_make(company=m1, owner=marco, amount="50.00", kind="lost", closed=at(D(2026, 3, 2)))
    deal_make(company=a1, owner=anna, amount="999.00", kind="won", closed=at(D(2026, 4, 1), 0))
    deal_make(company=a1, owner=anna, amount="777.00", kind="won",
              closed=at(D(2025, 12, 31), 23, 59))  # fmt: skip
    deal_make(company=a1, owner=anna, amount="5000.00", kind="open", closed=None)

    buyer = UserFactory(email="buyer@a1.example")
    # Quotes whose first offer went out in Q1 2026: q1 4 h (ordered), q2 48 h (declined),
    # q3 24 h (accepted); outside: first offer in 2025, never sent, first offer in Q2.
    quote_make(
        company=a1,
        manager=anna,
        buyer=buyer,
        state="ordered",
        requested=at(D(2026, 1, 5), 9),
        sent=[at(D(2026, 1, 5), 13), at(D(2026, 2, 1))],
    )
    quote_make(
        company=a1,
        manager=anna,
        buyer=buyer,
        state="declined",
        requested=at(D(2026, 2, 1), 10),
        sent=[at(D(2026, 2, 3), 10)],
    )
    quote_make(
        company=m1,
        manager=marco,
        buyer=buyer,
        state="accepted",
        requested=at(D(2026, 3, 30), 12),
        sent=[at(D(2026, 3, 31), 12)],
    )
    quote_make(
        company=a1,
        manager=anna,
        buyer=buyer,
        state="accepted",
        requested=at(D(2025, 12, 20)),
        sent=[at(D(2025, 12, 31)), at(D(2026, 1, 20))],
    )
    quote_make(
        company=a1,
        manager=anna,
        buyer=buyer,
        state="requested",
        requested=at(D(2026, 3, 1)),
        sent=[],
    )
    quote_make(company=m1, manager=marco, buyer=buyer, state="accepted",
               requested=at(D(2026, 3, 31), 20), sent=[at(D(2026, 4, 1), 8)])  # fmt: skip
    return {"anna": anna, "marco": marco, "sofia": sofia, "a1": a1, "a2": a2, "a3": a3,
            "m1": m1, "m2": m2, "m3": m3}  # fmt: skip
