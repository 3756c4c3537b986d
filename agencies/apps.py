from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = "机构与人员"
    analyze_after_load = ("agencies_region", "agencies_agency")

    def load_reference_data(self) -> dict[str, int]:
        """Load regions, departments, agencies and complaint channels (core's command calls it)."""
        from agencies.services import reference_data_load

        labels = {
            "regions": "区划",
            "departments": "部门",
            "agencies": "机构",
            "channels": "举报渠道",
        }
        return {labels[key]: count for key, count in reference_data_load().items()}

    def load_demo_data(self) -> str:
        """Create the demo users (core's seed_demo calls it)."""
        from agencies.demo import DEMO_PASSWORD, demo_users_create

        demo_users_create()
        return f"演示用户已就绪，密码均为 {DEMO_PASSWORD}。"

    def ready(self):
        from agencies.auth import connect_signals

        connect_signals()
