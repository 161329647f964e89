"""Analysts' commentary on a partnership's figures, and published (disclosure-controlled)
board reports stored as snapshots so later data loads never change what was published."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from saferhub.organisations.models import Partnership
from saferhub.performance.models import ScorecardRun


class Commentary(models.Model):
    """An analyst's commentary on one indicator for one partnership and period, shown on
    that indicator's page of the board report. ``version`` goes up on every save so a save
    over a newer version (someone else saved meanwhile) is refused."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="report_commentary"
    )
    period = models.CharField(max_length=20, help_text="As written, e.g. 2022-Q2 or 2022/23")
    period_type = models.CharField(max_length=20)
    indicator_id = models.CharField(max_length=60)
    text = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "period", "period_type", "indicator_id"],
                name="reports_commentary_one_per_indicator",
            )
        ]
        ordering = ["partnership", "period", "indicator_id"]

    def __str__(self) -> str:
        return f"{self.partnership} {self.period} {self.indicator_id} (version {self.version})"


class PublishedReport(models.Model):
    """One published version of a partnership's board report for a period: the report as
    published (disclosure control applied, nothing restricted), with the scorecard run it
    came from. Republishing adds a new version; earlier versions stay readable."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="published_reports"
    )
    period = models.CharField(max_length=20)
    period_type = models.CharField(max_length=20)
    version = models.PositiveIntegerField()
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    scorecard_run = models.ForeignKey(ScorecardRun, on_delete=models.PROTECT, related_name="+")
    threshold = models.PositiveSmallIntegerField(
        help_text="Counts from 1 to threshold - 1 were hidden"
    )
    snapshot = models.JSONField(help_text="The published report's content, as plain data")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "period", "period_type", "version"],
                name="reports_published_one_per_version",
            )
        ]
        ordering = ["partnership", "period", "-version"]

    def __str__(self) -> str:
        return f"{self.partnership} {self.period} version {self.version}"
