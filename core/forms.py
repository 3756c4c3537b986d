"""Forms that only carry input: the services validate it, and their errors land on the fields.

A form declares its fields as the user should see them (a required field is marked with *), but
does not refuse anything itself: every rule is the service's, so that one submission reports
every problem at once and a rule has one message wherever it is checked (the form, the API, the
Excel import).
"""

from collections.abc import Callable

from django import forms

from core.errors import DomainError


class CarrierFormMixin:
    """Keep the declared ``required`` as a display hint only; give widgets Bootstrap classes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.marked_required = field.required
            if not isinstance(field, forms.ModelChoiceField):
                field.required = False  # the service says what is missing, with the rest
            bootstrap_widget(field.widget)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


def bootstrap_widget(widget) -> None:
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def place_errors(error: DomainError, form: forms.Form, paths: dict[str, str] | None = None) -> bool:
    """Put a service's field errors on the form's fields (``paths`` maps service paths to fields).

    Paths the form does not know become non-field errors, so nothing is lost. Return True when
    anything was placed.
    """
    placed = False
    for path, messages in (error.fields or {}).items():
        field = (paths or {}).get(path, path)
        for message in messages if isinstance(messages, list | tuple) else [messages]:
            form.add_error(field if field in form.fields else None, str(message))
            placed = True
    return placed


def run_service(call: Callable, on_error: Callable[[DomainError], None]):
    """Return ``call()``'s result, or None after showing its refusal through ``on_error``.

    Not-found and forbidden refusals are not the form's to show: they go on to the middleware,
    which answers 404 or 403 (``core.middleware``).
    """
    try:
        return call()
    except DomainError as exc:
        if exc.code in ("not_found", "forbidden"):
            raise
        on_error(exc)
        return None


def show_on_form(form: forms.Form, paths: dict[str, str] | None = None):
    """Return an ``on_error`` for ``run_service`` that places the errors on ``form``."""

    def apply(error: DomainError) -> None:
        if not place_errors(error, form, paths):
            form.add_error(None, error.message)

    return apply
