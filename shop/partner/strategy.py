"""Pricing and availability strategy: the one hook every price on the site passes through."""

from oscar.apps.partner import strategy


class Selector(strategy.Selector):
    def strategy(self, request=None, user=None, **kwargs):
        return Default(request)


class Default(strategy.Default):
    """Oscar's default strategy, without a query per basket line.

    Oscar's ``fetch_for_line`` ignores the line's stock record and looks it up again;
    the line already carries it (loaded with the basket's lines), so use it.
    """

    def fetch_for_line(self, line, stockrecord=None):
        return self.fetch_for_product(line.product, stockrecord or line.stockrecord)
