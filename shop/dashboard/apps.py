"""Oscar's dashboard, forked only so that its CSV downloads go through shop.csv_export.

Oscar loads dashboard classes with ``get_class("dashboard.<app>.<module>", ...)``, which looks
in the app labelled ``dashboard`` first: ``shop.dashboard.reports.reports`` and
``shop.dashboard.orders.views`` each override one small hook; everything else is Oscar's.
"""

from oscar.apps.dashboard import apps


class DashboardConfig(apps.DashboardConfig):
    name = "shop.dashboard"
