"""The page size a list page shows: the user's choice among a few sizes, else the default."""

PAGE_SIZES = (20, 50, 100)


def page_size(request, default: int = 50) -> int:
    """Return the ``size`` query parameter when it is one of ``PAGE_SIZES``, else ``default``."""
    value = request.GET.get("size", "")
    return int(value) if value.isdigit() and int(value) in PAGE_SIZES else default


def page_links(page) -> list:
    """Return the page numbers to link (with … gaps), or [] when the count is capped."""
    paginator = page.paginator
    if getattr(paginator, "count_capped", False) or paginator.num_pages <= 1:
        return []
    return list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
