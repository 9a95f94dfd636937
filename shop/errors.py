"""The one base for domain errors, so every view shows them the same way."""


class PortalError(Exception):
    """A request that cannot be done, with a message for the person who asked.

    ``field`` names the form field the message belongs to, or is None for the whole form.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
