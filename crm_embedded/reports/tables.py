"""Every report table as a header and plain rows, for the CSV exports (the page shows the
same figures from the same data)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def _day(moment) -> str:
    return timezone.localdate(moment).isoformat() if moment else ""


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email


def _manager(company) -> str:
    return _person(company.account_manager) if company.account_manager_id else ""


def _blank(value):
    return "" if value is None else value


def active_customers(data) -> tuple[list, list]:
    header = [_("Company"), _("Account manager"), _("Orders"), _("Revenue (net)"), _("Currency"),
              _("Last order")]  # fmt: skip
    rows = [
        [
            str(row["company"]),
            _manager(row["company"]),
            row["orders"],
            row["revenue"],
            "EUR",
            _day(row["last_ordered_at"]),
        ]  # fmt: skip
        for row in data["customers"]["active"]
    ]
    return header, rows


def new_customers(data) -> tuple[list, list]:
    header = [_("Company"), _("Account manager"), _("Opened"), _("Status")]
    rows = [
        [str(company), _manager(company), _day(company.created_at), company.get_status_display()]
        for company in data["customers"]["new"]
    ]
    return header, rows


def _deal_row(row, name) -> list:
    return [name, row["won"], row["won_value"], row["lost"], row["lost_value"],
            _blank(row["win_rate"])]  # fmt: skip


def deals_by_rep(data) -> tuple[list, list]:
    header = [_("Account manager"), _("Won"), _("Won value (EUR)"), _("Lost"),
              _("Lost value (EUR)"), _("Win rate (%)")]  # fmt: skip
    deals = data["deals"]
    rows = [_deal_row(row, _person(row["rep"])) for row in deals["rows"]]
    rows.append(_deal_row(deals["total"], _("Total")))
    return header, rows


def revenue_by_month(data) -> tuple[list, list]:
    header = [_("Month"), _("Orders"), _("Revenue (net)"), _("Currency")]
    rows = [
        [month["month"].strftime("%Y-%m"), month["orders"], month["revenue"], "EUR"]
        for month in data["revenue"]["months"]
    ]
    return header, rows


def _closers(rows) -> tuple[list, list]:
    header = [_("Account manager"), _("Deals won"), _("Won value (EUR)"),
              _("Accounts that ordered"), _("Accounts' revenue (net, EUR)")]  # fmt: skip
    return header, [
        [_person(row["rep"]), row["won"], row["won_value"], row["accounts"], row["revenue"]]
        for row in rows
    ]


def closers_by_won(data) -> tuple[list, list]:
    return _closers(data["closers"]["by_won"])


def closers_by_revenue(data) -> tuple[list, list]:
    return _closers(data["closers"]["by_revenue"])


def dormant_accounts(data) -> tuple[list, list]:
    header = [_("Company"), _("Account manager"), _("Last order"), _("Days without an order")]
    rows = [
        [
            str(row["company"]),
            _manager(row["company"]),
            _day(row["last_ordered_at"]) or _("never"),
            row["days"],
        ]  # fmt: skip
        for row in data["dormant"]["rows"]
    ]
    return header, rows


def _quote_row(row, name) -> list:
    return [name, row["sent"], row["converted"], _blank(row["rate"]), _blank(row["median_hours"])]


def quote_conversion(data) -> tuple[list, list]:
    header = [_("Account manager"), _("Quotes sent"), _("Accepted or ordered"),
              _("Conversion (%)"), _("Median response (hours)")]  # fmt: skip
    quotes = data["quotes"]
    rows = [_quote_row(row, _person(row["rep"]) or _("Unassigned")) for row in quotes["rows"]]
    rows.append(_quote_row(quotes["total"], _("Total")))
    return header, rows


def recovered_by_followups(data) -> tuple[list, list]:
    header = [_("Rule"), _("Stage"), _("Follow-ups"), _("Recovered"), _("Recovery rate (%)"),
              _("Recovered revenue (net)"), _("Currency")]  # fmt: skip
    rows = [
        [
            row.kind_label or _("Total"),
            row.stage_label,
            row.followups,
            row.recovered,
            _blank(row.rate),
            row.revenue,
            "EUR",
        ]
        for row in data["recovery"]["rows"]
    ]
    return header, rows


@dataclass(frozen=True)
class Table:
    section: str  # the report whose data the table reads
    title: object
    rows: Callable[[dict], tuple[list, list]]


TABLES: dict[str, Table] = {
    "active-customers": Table("customers", gettext_lazy("Active customers"), active_customers),
    "new-customers": Table("customers", gettext_lazy("New customers"), new_customers),
    "deals-by-rep": Table("deals", gettext_lazy("Deals won and lost"), deals_by_rep),
    "revenue-by-month": Table("revenue", gettext_lazy("Revenue by month"), revenue_by_month),
    "closers-by-won": Table("closers", gettext_lazy("Top closers by won value"), closers_by_won),
    "closers-by-revenue": Table(
        "closers", gettext_lazy("Top closers by their accounts' revenue"), closers_by_revenue
    ),
    "dormant-accounts": Table("dormant", gettext_lazy("Accounts not ordering"), dormant_accounts),
    "quote-conversion": Table(
        "quotes", gettext_lazy("Quote conversion and response time"), quote_conversion
    ),
    "recovered-by-followups": Table(
        "recovery", gettext_lazy("Recovered by follow-ups"), recovered_by_followups
    ),
}
