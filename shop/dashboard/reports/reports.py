"""Every dashboard report (open and submitted baskets, user and product analytics, orders,
offers, vouchers) writes its CSV through this formatter's writer."""

from oscar.apps.dashboard.reports import reports

from shop.csv_export import SafeUnicodeCSVWriter


class ReportCSVFormatter(reports.ReportCSVFormatter):
    def get_csv_writer(self, file_handle, **kwargs):
        return SafeUnicodeCSVWriter(open_file=file_handle, **kwargs)
