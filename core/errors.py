"""The domain errors every service raises for a refused action.

A service says *what* went wrong with a code; the API's exception handler (``core.api``) and the
HTML pages' middleware (``core.middleware``) each map the code to an answer once. No service
chooses an HTTP status.
"""


class DomainError(Exception):
    """A business rule refused the action; ``message`` is shown to the user as is.

    ``fields`` maps a field (or ``persons[0].id_number``-style path, or ``第3行`` row) to messages.
    """

    code = "invalid"

    def __init__(self, message: str, *, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class NotFoundError(DomainError):
    """The object is outside the caller's view (or does not exist): never confirm which."""

    code = "not_found"


class PermissionDeniedError(DomainError):
    """The caller may see the object but may not do this to it."""

    code = "forbidden"


class ConflictError(DomainError):
    """The object's state forbids the action, or it changed under the caller (two reviewers)."""

    code = "conflict"


class RateLimitedError(DomainError):
    """The caller asked too often; try again later."""

    code = "rate_limited"


class BatchError(DomainError):
    """Entries of a batch were refused; a batch is all or nothing, so nothing was written.

    ``errors`` maps each refused entry's index (in the order given) to its own error.
    """

    def __init__(self, errors: dict[int, DomainError]):
        super().__init__(errors[min(errors)].message)
        self.errors = errors
