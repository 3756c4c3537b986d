"""Steps the browser journeys share."""


def confirmed(page, selector_or_locator) -> None:
    """Click an irreversible step's button and answer 确认 in the dialog it opens."""
    target = (
        page.locator(selector_or_locator)
        if isinstance(selector_or_locator, str)
        else (selector_or_locator)
    )
    target.click()
    dialog = page.locator("#confirm-dialog")
    dialog.wait_for(state="visible")
    with page.expect_navigation():
        dialog.locator("[data-confirm-ok]").click()
