def tax(request) -> dict:
    """Business buyers read net prices with the tax added: Oscar's templates show tax apart."""
    return {"show_tax_separately": True}
