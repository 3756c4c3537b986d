"""The declarations' background jobs: checking an Excel import, then importing it."""

from django.utils.translation import gettext_lazy

from agencies import permissions
from declarations.imports import SPEC
from jobs.imports import ImportKind, register_import


def _create(*, actor, agency, **payload):
    from declarations import services

    return services.declaration_create(actor=actor, agency=agency, **payload)


def _link(declaration) -> dict:
    return {
        "id": declaration.pk,
        "reference": declaration.reference,
        "url": declaration.get_absolute_url(),
    }


DECLARATIONS = register_import(
    ImportKind(
        name="declarations",
        spec=SPEC,
        create=_create,
        link=_link,
        may_import=permissions.user_can_register_declaration,
        check_label=gettext_lazy("检查导入文件（自查自纠申报）"),
        import_label=gettext_lazy("导入自查自纠申报"),
        upload_url="declarations:import",
        list_url="declarations:list",
    )
)
