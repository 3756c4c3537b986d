from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "月报（附件1）"

    def load_demo_data(self) -> str:
        """Walk the demo reports through the chain (core's seed_demo calls it)."""
        from reports.demo import demo_reports_create

        steps = demo_reports_create()
        return f"演示月报（2019年1–3月）：执行 {steps} 步报送、审核、汇总与上报。"
