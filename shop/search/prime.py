"""Price a page of products in one go, before the template asks for each."""


def prime_prices(request, products) -> None:
    strategy = getattr(request, "strategy", None)
    if strategy is not None and hasattr(strategy, "prime"):
        strategy.prime(products)
