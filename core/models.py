"""The few tables the bottom layer keeps: rate-limit counters shared by every worker."""

from django.db import models


class RateCounter(models.Model):
    """Hits of one key (an action and a hashed client address) in one fixed time window."""

    key = models.CharField(max_length=100)
    window = models.BigIntegerField(help_text="the window's start, in seconds since the epoch")
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window"], name="rate_counter_unique")
        ]
        indexes = [models.Index(fields=["window"], name="rate_counter_window")]

    def __str__(self):
        return f"{self.key}@{self.window}: {self.hits}"
