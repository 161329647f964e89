"""Stored scorecard runs: what was computed, from which inputs, with which definitions."""

from __future__ import annotations

from typing import Any

from django.db import models

from saferhub.organisations.models import Partnership


class ScorecardRun(models.Model):
    """The scorecard for a partnership's area and its sub-areas for one period, stored with
    everything needed to reproduce it: the warehouse files and checksums, the indicator
    definitions version and the software version. Pages read runs, never the warehouse."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="scorecard_runs"
    )
    period = models.CharField(max_length=20, help_text="As asked, e.g. 2022-Q2 or 2022/23")
    period_type = models.CharField(max_length=20)
    period_label = models.CharField(max_length=100, help_text="As shown, e.g. April to June 2022")
    area_codes = models.JSONField(help_text="The partnership's area first, then its sub-areas")
    computed_at = models.DateTimeField(auto_now_add=True)
    warehouse_fingerprint = models.CharField(max_length=64)
    inputs = models.JSONField(help_text="Warehouse files (name, dataset, force, month, sha256)")
    definitions_version = models.CharField(max_length=64)
    software_version = models.CharField(max_length=40)
    results = models.JSONField(help_text="IndicatorResult records, as plain data")
    peer_figures = models.JSONField(
        default=dict,
        help_text="Each peer area's name and, per indicator, its count and rate: "
        '{"names": {code: name}, "figures": {code: {indicator_id: [count, rate]}}}',
    )
    alpha = models.FloatField(default=0.05)

    class Meta:
        ordering = ["-computed_at"]
        indexes = [
            models.Index(fields=["partnership", "period", "period_type", "warehouse_fingerprint"])
        ]

    def __str__(self) -> str:
        return f"{self.partnership} {self.period} ({self.period_type})"

    def results_for(self, area_code: str) -> list[dict[str, Any]]:
        """The indicator results for one area of the run, in indicator order."""
        return [r for r in self.results if r["area_code"] == area_code]

    def peer_figures_for(self, indicator_id: str, codes: list[str]) -> list[tuple[str, str, Any]]:
        """(code, name, [count, rate]) of each peer area asked for, for one indicator."""
        names = self.peer_figures.get("names", {})
        figures = self.peer_figures.get("figures", {})
        return [
            (code, names.get(code, code), figures.get(code, {}).get(indicator_id)) for code in codes
        ]
