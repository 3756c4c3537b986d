def register(router):
    """Register this app's API routes on the shared router."""
