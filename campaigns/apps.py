from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "专项整治"

    def load_reference_data(self) -> dict[str, int]:
        """Load the 2019 Sichuan campaign, its phases and their extensions (idempotent)."""
        from campaigns.reference import campaigns_load

        return {"专项整治": campaigns_load()}
