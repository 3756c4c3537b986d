from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "leads"
    verbose_name = "问题线索"

    def load_demo_data(self) -> str:
        """Register the demo's leads (core's seed_demo calls it)."""
        from leads.demo import demo_leads_create

        return f"问题线索已就绪（新增 {demo_leads_create()} 条）。"
