from django.apps import AppConfig


class DeclarationsConfig(AppConfig):
    name = "declarations"
    verbose_name = "自查自纠申报"

    def load_demo_data(self) -> str:
        """Register the demo's self-inspection declarations (core's seed_demo calls it)."""
        from declarations.demo import demo_declarations_create

        count = demo_declarations_create()
        return f"自查自纠申报已就绪（新增 {count} 份）。"

    def ready(self):
        from cases import self_correction
        from declarations.selectors import declaration_support

        self_correction.register(declaration_support)
