"""Smoke: the dashboard, indicator, area and data status pages render from the demo warehouse."""

from __future__ import annotations

import re
from typing import Any

import pytest

from saferhub.organisations.rules import Role

pytestmark = pytest.mark.django_db


def test_pages_render(signed_in: Any, lindenshire: Any, warehouse_settings: Any) -> None:
    client, _ = signed_in(Role.ANALYST)
    slug = lindenshire["board"].slug
    page = client.get(f"/performance/{slug}/")
    assert page.status_code == 200, page.content[:2000]
    html = page.content.decode()
    assert "Synthetic data" in html and "All crime" in html
    # The dashboard offers the board report for the period shown, and the download works.
    pdf = re.search(r'href="(/reports/[^"]+/report\.pdf)"[^>]*>Download the board report', html)
    assert pdf, "no board report download on the dashboard"
    download = client.get(pdf.group(1))
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert client.get(f"/performance/{slug}/indicators/all_crime/").status_code == 200
    assert client.get(f"/performance/{slug}/areas/E22900002/").status_code == 200
    assert client.get("/performance/data-status/").status_code == 200
