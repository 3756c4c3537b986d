"""Demo cases for a newcomer's first look."""


def demo_cases_create() -> int:
    """Create a handful of demo cases once; return how many were created."""
    return 0
