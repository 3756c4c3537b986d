from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "投诉举报"

    def load_demo_data(self) -> str:
        """Register the demo's complaints (core's seed_demo calls it)."""
        from complaints.demo import demo_complaints_create

        return f"投诉举报已就绪（新增 {demo_complaints_create()} 件）。"
