from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "案件"
    analyze_after_load = ("cases_certificatetype",)

    def load_reference_data(self) -> dict[str, int]:
        """Load the certificate types of DOMAIN.md §7 (core's load_reference_data calls it)."""
        from cases.reference import certificate_types_load

        return {"执业资格类别": certificate_types_load()}

    def load_demo_data(self) -> str:
        """Create the demo cases once (core's seed_demo calls it)."""
        from cases.demo import demo_cases_create

        return f"演示案件：新增 {demo_cases_create()} 件。"
