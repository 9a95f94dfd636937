from oscar.apps.catalogue import views


class ProductDetailView(views.ProductDetailView):
    """Oscar's product page plus the buyer's tier table and how their price was built."""

    def get_queryset(self):
        # Every price and stock block on the page reads the stock records: load them once
        # (Oscar ran one query per block), with the categories for the price book.
        return (
            super()
            .get_queryset()
            .select_related("product_class", "parent__product_class")
            .prefetch_related("stockrecords", "images", "categories")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        strategy = getattr(self.request, "strategy", None)
        product = self.object
        if strategy is not None and hasattr(strategy, "resolve") and not product.is_parent:
            stockrecord = strategy.select_stockrecord(product)
            # Priced at the buyer's own minimum order (a price list may override the product's).
            minimum = strategy.quantity_rule(product, stockrecord).nearest(1)
            context["pricing"] = strategy.resolve(product, stockrecord, quantity=minimum)
        return context
