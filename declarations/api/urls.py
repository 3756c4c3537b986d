"""The declarations' routes under /api/v1/."""

from declarations.api.views import DeclarationViewSet


def register(router):
    router.register("declarations", DeclarationViewSet, basename="declaration")
