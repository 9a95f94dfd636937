from oscar.apps.basket.abstract_models import AbstractBasket


class Basket(AbstractBasket):
    """Oscar's basket, loading each line's product class with the lines.

    Pricing and availability read ``product.get_product_class()`` for every line, so
    without these joins the basket page costs queries per line.
    """

    def all_lines(self):
        if self.id is None:
            return self.lines.model.objects.none()
        if self._lines is None:
            self._lines = (
                self.lines.select_related(
                    "product",
                    "product__product_class",
                    "product__parent__product_class",
                    "stockrecord",
                    "stockrecord__partner",
                )
                .prefetch_related("attributes", "product__images")
                .order_by(self._meta.pk.name)
            )
        return self._lines

    class Meta(AbstractBasket.Meta):
        pass


from oscar.apps.basket.models import *  # noqa: E402,F403
