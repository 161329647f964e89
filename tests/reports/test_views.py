"""Board report pages: roles x capability, 404 for what cannot be seen, public pages without
sign-in, and what the public page and PDF contain (nothing small, nothing restricted)."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from saferhub.organisations import services as organisation_services
from saferhub.organisations.models import Partnership
from saferhub.organisations.rules import Role
from saferhub.reports import services
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
TOKEN = "2022-Q2"
RESTRICTED = {
    "marac_referrals": "MARAC referrals",
    "marac_repeat_referrals": "Repeat MARAC",
    "channel_referrals": "Channel referrals",
}


def _client(client: Any, membership: Any) -> Any:
    response = client.post(
        "/account/sign-in", {"username": membership.user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ANALYST, 200),
        (Role.BOARD_MEMBER, 200),
        (Role.PARTNERSHIP_ADMINISTRATOR, 200),
        (Role.CASEWORKER, 403),
        (Role.SYSTEM_ADMINISTRATOR, 403),
    ],
)
def test_report_pages_by_role(
    client: Any, alpha: Any, make_member: Callable[..., Any], role: Role, status: int
) -> None:
    c = _client(client, make_member(role))
    assert c.get("/reports/").status_code == status
    assert c.get(f"/reports/{alpha.slug}/{TOKEN}/").status_code == status
    assert c.get(f"/reports/{alpha.slug}/{TOKEN}/report.csv").status_code == status


@pytest.mark.parametrize(
    ("role", "commentary", "publish"),
    [
        (Role.ANALYST, 200, 403),
        (Role.BOARD_MEMBER, 403, 403),
        (Role.PARTNERSHIP_ADMINISTRATOR, 403, 200),
        (Role.CASEWORKER, 403, 403),
    ],
)
def test_commentary_and_publish_pages_by_role(
    client: Any,
    alpha: Any,
    make_member: Callable[..., Any],
    role: Role,
    commentary: int,
    publish: int,
) -> None:
    c = _client(client, make_member(role))
    assert c.get(f"/reports/{alpha.slug}/{TOKEN}/commentary/burglary").status_code == commentary
    assert c.get(f"/reports/{alpha.slug}/{TOKEN}/publish").status_code == publish


def test_unknown_or_hidden_partnership_period_indicator_and_format_are_404(
    client: Any, alpha: Any, make_member: Callable[..., Any]
) -> None:
    elsewhere = organisation_services.partnership_create(
        actor=None, name="Elsewhere CSP", kind=Partnership.Kind.CSP, code="E22000002"
    )
    c = _client(client, make_member(Role.ANALYST))
    for path in (
        "/reports/no-such-csp/2022-Q2/",
        f"/reports/{elsewhere.slug}/2022-Q2/",  # exists, but not one of the member's
        f"/reports/{alpha.slug}/2022-Q9/",
        f"/reports/{alpha.slug}/{TOKEN}/report.docx",
        f"/reports/{alpha.slug}/{TOKEN}/commentary/no_such_indicator",
        "/published/no-such-csp/2022-Q2/",
        f"/published/{alpha.slug}/{TOKEN}/",  # not published yet
        f"/published/{alpha.slug}/{TOKEN}.pdf",
    ):
        assert c.get(path).status_code == 404, path


def test_a_period_with_no_data_says_so(
    client: Any, alpha: Any, make_member: Callable[..., Any]
) -> None:
    c = _client(client, make_member(Role.ANALYST))
    response = c.get(f"/reports/{alpha.slug}/2030-Q1/")
    assert response.status_code == 200
    assert "There is no report for 2030-Q1 yet" in response.content.decode()


def test_choosing_a_period_opens_its_report(
    client: Any, alpha: Any, make_member: Callable[..., Any]
) -> None:
    c = _client(client, make_member(Role.BOARD_MEMBER))
    response = c.get(f"/reports/{alpha.slug}/", {"period": "2022/23", "period_type": "rolling-12"})
    assert response.status_code == 302
    assert response["Location"] == f"/reports/{alpha.slug}/fy2022-23_rolling-12/"
    response = c.get(f"/reports/{alpha.slug}/", {"period": "soon", "period_type": "quarter"})
    assert "is not a period" in response.content.decode()


def test_commentary_form_saves_and_refuses_a_stale_save(
    client: Any, alpha: Any, make_member: Callable[..., Any]
) -> None:
    c = _client(client, make_member(Role.ANALYST))
    url = f"/reports/{alpha.slug}/{TOKEN}/commentary/burglary"
    response = c.post(url, {"text": "Garage break-ins in the north.", "version": "0"})
    assert response.status_code == 302
    response = c.post(url, {"text": "My older edit.", "version": "0"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved this commentary while you were editing it" in page
    assert "govuk-error-summary" in page
    report = c.get(f"/reports/{alpha.slug}/{TOKEN}/report.html").content.decode()
    assert "Garage break-ins in the north." in report


def test_board_member_report_has_no_restricted_figures_but_an_analysts_does(
    client: Any, alpha: Any, make_member: Callable[..., Any]
) -> None:
    board = _client(client, make_member(Role.BOARD_MEMBER))
    for fmt in ("html", "csv"):
        content = board.get(f"/reports/{alpha.slug}/{TOKEN}/report.{fmt}").content.decode()
        for indicator_id, name in RESTRICTED.items():
            assert indicator_id not in content and name not in content
    page = board.get(f"/reports/{alpha.slug}/{TOKEN}/").content.decode()
    assert "marac_referrals" not in page
    client.post("/account/sign-out")
    analyst = _client(client, make_member(Role.ANALYST))
    content = analyst.get(f"/reports/{alpha.slug}/{TOKEN}/report.html").content.decode()
    assert "MARAC referrals" in content
    assert "Restricted: not for publication" in content


def _publish(client: Any, alpha: Any, make_member: Callable[..., Any]) -> None:
    admin = make_member(Role.PARTNERSHIP_ADMINISTRATOR)
    c = _client(client, admin)
    response = c.post(f"/reports/{alpha.slug}/{TOKEN}/publish", {})
    assert "Confirm that you have checked" in response.content.decode()
    response = c.post(f"/reports/{alpha.slug}/{TOKEN}/publish", {"confirm": "on"})
    assert response.status_code == 302
    assert response["Location"] == f"/published/{alpha.slug}/{TOKEN}/"
    c.post("/account/sign-out")


def _count_cells(html: str) -> list[str]:
    return re.findall(r'class="[^"]*app-report-count[^"]*">([^<]*)<', html)


def test_public_page_needs_no_sign_in_and_shows_nothing_small_or_restricted(
    client: Any, alpha: Any, make_member: Callable[..., Any]
) -> None:
    _publish(client, alpha, make_member)
    response = client.get(f"/published/{alpha.slug}/{TOKEN}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Synthetic demo data" in html
    assert "How these figures were produced" in html
    cells = _count_cells(html)
    assert len(cells) > 50
    for cell in cells:
        value = cell.replace(",", "").strip()
        assert value == "–" or int(value) == 0 or int(value) >= 5, cell
    for indicator_id, name in RESTRICTED.items():
        assert indicator_id not in html and name not in html
    assert client.get(f"/published/{alpha.slug}/").status_code == 200
    csv = client.get(f"/published/{alpha.slug}/{TOKEN}.csv").content.decode()
    assert "marac" not in csv.lower()
    assert client.get(f"/published/{alpha.slug}/{TOKEN}.xlsx").status_code == 404


def _numbers_on_scorecard_rows(text: str, names: list[str]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for line in text.splitlines():
        stripped = line.strip()
        for name in names:
            if stripped.startswith(name + " ") and name not in found:
                cells = re.split(r"\s{2,}", stripped[len(name) :].strip())
                found[name] = [int(c.replace(",", "")) for c in cells if re.fullmatch(r"[\d,]+", c)]
    return found


def test_public_pdf_is_an_a4_report_with_no_small_counts_or_restricted_figures(
    client: Any, alpha: Any, make_member: Callable[..., Any], tmp_path: Path
) -> None:
    _publish(client, alpha, make_member)
    response = client.get(f"/published/{alpha.slug}/{TOKEN}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "published.pdf"
    pdf.write_bytes(response.content)
    reader = PdfReader(pdf)
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    for indicator_id, name in RESTRICTED.items():
        assert indicator_id not in text and name not in text
    layout = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    rows = _numbers_on_scorecard_rows(layout, ["Domestic abuse", "Hate crimes", "Burglary"])
    assert rows, layout[:2000]
    for name, numbers in rows.items():
        # count and year-earlier count (the rate is a decimal, so not matched)
        assert all(n == 0 or n >= 5 for n in numbers[:2]), (name, numbers)


def test_internal_pdf_has_cover_summary_scorecard_and_priority_pages(
    client: Any, alpha: Any, make_member: Callable[..., Any], tmp_path: Path
) -> None:
    c = _client(client, make_member(Role.ANALYST))
    c.post(
        f"/reports/{alpha.slug}/2022-Q1/commentary/burglary",
        {"text": "Garage break-ins rose in Alpha's northern estates.", "version": "0"},
    )
    response = c.get(f"/reports/{alpha.slug}/2022-Q1/report.pdf")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="{alpha.slug}-2022-Q1-report.pdf"'
    )
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    reader = PdfReader(pdf)
    # Text as read, with line breaks as spaces: where a heading wraps depends on the fonts
    # the machine has.
    pages = [" ".join((page.extract_text() or "").split()) for page in reader.pages]
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)  # A4 in points
    assert "Performance report: January 2022 to March 2022" in pages[0], pages[0]
    assert "Synthetic demo data" in pages[0]
    assert "Restricted: not for publication" in pages[0]
    assert "Page 1 of" in pages[0]
    summary = next(p for p in pages if "Summary" in p and "rose" in p)
    assert "Burglary rose 88% (from 48 to 90); the rise is statistically significant." in summary
    scorecard = next(p for p in pages if "Scorecard" in p)
    assert re.search(r"Burglary\s+90\s+48\s+\+88%", scorecard)
    priority = next(p for p in pages if "Priority" in p and "Garage break-ins" in p)
    assert "Analyst's commentary" in priority
    assert any("How these figures were produced" in p for p in pages)
    # Rendered to PNG pages, one image per PDF page.
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == len(reader.pages) >= 6
    assert all(image.stat().st_size > 1000 for image in images)


def test_excel_and_csv_downloads(client: Any, alpha: Any, make_member: Callable[..., Any]) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    c = _client(client, make_member(Role.ANALYST))
    response = c.get(f"/reports/{alpha.slug}/2022-Q1/report.xlsx")
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["Scorecard", "Series", "Notes"]
    rows = list(book["Scorecard"].iter_rows(values_only=True))
    burglary = next(r for r in rows if r and r[0] == "burglary")
    assert burglary[2:4] == (90, 48)
    csv = c.get(f"/reports/{alpha.slug}/2022-Q1/report.csv").content.decode()
    assert csv.splitlines()[0].startswith("partnership,area_code,period,period_type,indicator_id")
    assert any(line.split(",")[4] == "burglary" for line in csv.splitlines()[1:])


def test_republished_page_says_it_replaces_the_earlier_version(
    client: Any, alpha: Any, make_member: Callable[..., Any]
) -> None:
    admin = make_member(Role.PARTNERSHIP_ADMINISTRATOR).user
    for _ in range(2):
        services.report_publish(
            actor=admin, partnership=alpha, period="2022-Q2", period_type="quarter"
        )
    latest = client.get(f"/published/{alpha.slug}/{TOKEN}/").content.decode()
    assert "This is version 2 of this report. It replaces" in latest
    old = client.get(f"/published/{alpha.slug}/{TOKEN}/v1/").content.decode()
    assert "It has been replaced by" in old
    assert client.get(f"/published/{alpha.slug}/{TOKEN}/v1.pdf").status_code == 200
