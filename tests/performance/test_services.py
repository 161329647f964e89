"""Stored runs: reused while the warehouse is unchanged, recomputed after a load; the
dashboard says which data are missing for a period without data; sub-areas of a county."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from saferhub.analytics import partner, warehouse
from saferhub.performance.models import ScorecardRun
from saferhub.performance.services import (
    NoAreaError,
    scorecard_run_for,
    scorecard_runs_refresh,
)

pytestmark = pytest.mark.django_db


def test_run_is_reused_until_the_warehouse_changes(
    lindenshire: Any, warehouse_settings: Path, tmp_path: Path
) -> None:
    board = lindenshire["board"]
    first = scorecard_run_for(partnership=board, period="2025-Q2")
    again = scorecard_run_for(partnership=board, period="2025-Q2")
    assert again.pk == first.pk
    assert ScorecardRun.objects.count() == 1
    assert first.area_codes == ["E23900001", "E22900001", "E22900002", "E22900003"]
    # A new partner file for June 2025 changes the warehouse: the run is recomputed.
    extra = tmp_path / "june-correction.csv"
    extra.write_text(
        "dataset,month,area_code,category,markers,count\n"
        "da-helpline-calls,2025-06,E22900001,answered,,999\n"
    )
    con = warehouse.connect(warehouse_settings)
    try:
        assert partner.load_partner(con, [extra]).files[0].status == "loaded"
    finally:
        con.close()
    newer = scorecard_run_for(partnership=board, period="2025-Q2")
    assert newer.pk != first.pk
    assert newer.warehouse_fingerprint != first.warehouse_fingerprint
    assert any(i["name"].endswith("june-correction.csv") for i in newer.inputs)
    answered = {
        r["area_code"]: r["count"]
        for r in newer.results
        if r["indicator_id"] == "da_helpline_answered"
    }
    old = {
        r["area_code"]: r["count"]
        for r in first.results
        if r["indicator_id"] == "da_helpline_answered"
    }
    assert answered["E22900001"] != old["E22900001"]
    assert scorecard_run_for(partnership=board, period="2025-Q2").pk == newer.pk


def test_refresh_computes_asked_periods_and_the_default(
    lindenshire: Any, warehouse_settings: Path
) -> None:
    csp = lindenshire["csps"]["E22900002"]
    scorecard_run_for(partnership=csp, period="2024-Q4")
    runs = scorecard_runs_refresh(partnership=csp)
    periods = {(r.period, r.period_type) for r in runs}
    assert ("2024-Q4", "quarter") in periods
    assert ("2025-Q3", "quarter") in periods  # the default: latest complete quarter
    # A CSP of two districts shows each district beneath it.
    assert runs[0].area_codes == ["E22900002", "E07900002", "E07900003"]
    assert len(scorecard_runs_refresh(partnership=csp)) == len(runs)
    assert ScorecardRun.objects.filter(partnership=csp).count() == 2


def test_no_area_code_is_said(lindenshire: Any, warehouse_settings: Path) -> None:
    with pytest.raises(NoAreaError, match="no ONS area code"):
        scorecard_run_for(partnership=lindenshire["elsewhere"], period="2025-Q2")


def test_period_without_data_says_what_is_missing(
    signed_in: Any, lindenshire: Any, warehouse_settings: Path
) -> None:
    from saferhub.organisations.rules import Role

    run = scorecard_run_for(partnership=lindenshire["board"], period="2021-Q2")
    assert all(r["count"] is None for r in run.results)
    client, _ = signed_in(Role.ANALYST)
    # The chooser offers only periods with data; a run for an older period still explains.
    from saferhub.performance import selectors
    from saferhub.performance.services import indicator_set

    block = selectors._blocks(run, indicator_set(), run.area_codes)[0]
    assert block.missing and any(
        "no police.uk data loaded for lindenshire" in m for m in block.missing
    )
    page = client.get(f"/performance/{lindenshire['board'].slug}/?period=2025-Q2").content.decode()
    assert "There are no figures" not in page
