"""The domain error every service raises for a refused action."""


class DomainError(Exception):
    """A business rule refused the action; ``message`` is shown to the user as is.

    ``fields`` maps a field (or ``persons[0].id_number``-style path, or ``第3行`` row) to messages.
    """

    status_code = 400

    def __init__(self, message: str, *, fields: dict | None = None, status_code: int | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if status_code is not None:
            self.status_code = status_code


class ConflictError(DomainError):
    """The object changed under the caller (e.g. two reviewers acting at once)."""

    status_code = 409
