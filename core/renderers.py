"""The form renderer: Django's widget templates through Jinja2, anything else through the
Django template language.

A ``<select>`` renders each option through an ``{% include %}``: about 230 options on a
province's list page cost more than the page's 50 rows (docs/performance.md §14). Django ships
the same widget templates for Jinja2, which renders them several times faster with the same
markup. Templates only the Django language has (the admin's widget wrappers) still render.
"""

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist
from django.utils.functional import cached_property


class WidgetRenderer(Jinja2):
    @cached_property
    def _django(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self._django.get_template(template_name)
