"""``assist audit`` / ``assist similar`` on a small realistic archive in four formats, bad
input, and the HTML report in a real headless browser."""

from __future__ import annotations

import csv
import json
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from audit_archive import write_archive
from postmortem_assist.audit.causes import THRESHOLD
from postmortem_assist.audit.report import CSV_COLUMNS
from postmortem_assist.audit.run import run_audit, run_similar
from postmortem_assist.audit.scorecard import FORMULA, WEIGHTS

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow  # spaCy, the classifier and the MiniLM encoder


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_archive(tmp_path_factory.mktemp("archive") / "postmortems")


@pytest.fixture(scope="module")
def audited(archive: dict[str, Path], tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("report") / "audit"
    code = run_audit([str(archive["cert_api"].parent)], out, jobs=1)
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    cards = {Path(c["path"]).name: c for c in data["scorecards"]}
    return code, out, data, cards


def test_every_format_is_audited_and_the_four_files_written(audited) -> None:
    code, out, data, cards = audited
    assert code == 0
    assert sorted(cards) == sorted(
        ["2023-03-14-api-cert.md", "payments-gateway-outage.txt", "sso-outage.html",
         "db-disk-full.md", "order-queue-backlog.md", "dns-outage.docx"]
    )  # fmt: skip
    assert data["documents"] == 6 and data["skipped"] == []
    rows = list(csv.reader((out / "scorecard.csv").open(encoding="utf-8")))
    assert rows[0] == CSV_COLUMNS and len(rows) == 7
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("# Postmortem audit") and "6 postmortems audited" in summary


def test_scorecard_of_a_complete_postmortem(audited) -> None:
    card = audited[3]["2023-03-14-api-cert.md"]
    assert card["date"] == "2023-03-14" and card["date_source"] == "front matter"
    assert all(card["sections"].values())
    assert card["summary_states"] == {"duration": True, "impact": True, "cause": True}
    assert card["timeline_has"] == {"detection": True, "resolution": True, "zone": True}
    assert card["blame_findings"] == 0
    assert (card["action_items"], card["actions_with_owner"], card["actions_with_due_date"]) == (
        2, 2, 2,
    )  # fmt: skip
    assert card["score"] == 100
    assert "time-expiry" in [c["label"] for c in card["categories"]]
    assert all(0 <= c["probability"] <= 1 for c in card["categories"])


def test_scorecard_of_a_blameful_postmortem_without_sections(audited) -> None:
    card = audited[3]["db-disk-full.md"]
    assert not any(card["sections"].values())
    assert card["blame_findings"] >= 2  # "failed to check", "human error"
    assert card["findings"].get("blame/human-error") == 1
    assert card["action_items"] == 0 and card["parts"]["actions"] == 0
    assert card["date"] == "2023-08-09" and card["date_source"] == "title"
    assert card["score"] < 30 < audited[3]["2023-03-14-api-cert.md"]["score"]


def test_html_and_docx_exports_keep_their_headings(audited) -> None:
    sso, dns = audited[3]["sso-outage.html"], audited[3]["dns-outage.docx"]
    assert all(sso["sections"].values())
    assert sso["timeline_has"]["zone"]  # "Time (UTC)" column of the exported table
    assert sso["actions_with_owner"] == 2
    assert dns["sections"] == {
        "summary": True, "timeline": False, "root_cause": True, "corrective_actions": True,
    }  # fmt: skip
    assert dns["date"] == "2024-01-15"


def test_score_follows_the_stated_formula(audited) -> None:
    _, out, data, cards = audited
    assert data["formula"] == FORMULA
    for card in cards.values():
        expected = round(100 * sum(WEIGHTS[k] * v for k, v in card["parts"].items()))
        assert abs(card["score"] - expected) <= 1  # parts are stored rounded to 3 places
    assert "0.20 sections + 0.15 summary" in (out / "report.html").read_text(encoding="utf-8")


def test_archive_views_by_year(audited) -> None:
    views = audited[2]["views"]
    assert [p["period"] for p in views["by_year"]] == ["2022", "2023", "2024"]
    assert [p["documents"] for p in views["by_year"]] == [1, 3, 2]
    total = views["total"]
    cards = audited[3].values()
    items = sum(c["action_items"] for c in cards)
    assert total["action_items"] == items
    assert total["owner_share"] == round(sum(c["actions_with_owner"] for c in cards) / items, 3)
    assert total["blame_share"] == round(1 / 6, 3)
    assert views["findings"][0]["findings"] >= views["findings"][-1]["findings"]


def test_recurring_groups_the_certificate_expiries_only(audited) -> None:
    groups = audited[2]["recurring"]
    assert audited[2]["threshold"] == THRESHOLD
    grouped = [sorted(Path(m["path"]).name for m in g["members"]) for g in groups]
    assert ["2023-03-14-api-cert.md", "payments-gateway-outage.txt", "sso-outage.html"] in grouped
    flat = {name for g in grouped for name in g}
    assert not flat & {"db-disk-full.md", "dns-outage.docx", "order-queue-backlog.md"}
    cert = next(g for g in groups if g["size"] == 3)
    assert [m["date"] for m in cert["members"]] == ["2022-11-02", "2023-03-14", "2024-06-20"]
    assert all("certificate" in m["sentence"].lower() for m in cert["members"])
    assert cert["similarity"] >= THRESHOLD


def test_similar_finds_past_certificate_expiries(archive, tmp_path, capsys) -> None:
    draft = tmp_path / "draft.md"
    draft.write_text(
        "# Mobile app login failures\n\n## Root cause\n\nThe certificate pinned in the mobile "
        "app's API client expired on Saturday; nobody renewed it because the expiry was not "
        "monitored.\n",
        encoding="utf-8",
    )
    assert run_similar(str(draft), [str(archive["cert_api"].parent)], top=3, fmt="json") == 0
    matches = json.loads(capsys.readouterr().out)
    names = {Path(m["path"]).name for m in matches}
    assert names == {"2023-03-14-api-cert.md", "payments-gateway-outage.txt", "sso-outage.html"}
    assert matches[0]["similarity"] >= matches[-1]["similarity"]
    assert all("certif" in m["sentence"].lower() for m in matches)
    assert all("certif" in m["draft_sentence"].lower() for m in matches)


def test_a_bad_file_in_a_batch_is_named_and_skipped(archive, tmp_path, capsys) -> None:
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    shutil.copy(archive["cert_api"], mixed / "good.md")
    shutil.copy(archive["dns"], mixed / "good.docx")
    (mixed / "latin1.md").write_bytes("Caf\xe9 outage: the r\xe9seau failed".encode("latin-1"))
    (mixed / "broken.docx").write_bytes(b"this is not a zip archive")
    (mixed / "empty.txt").write_text("   \n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in mixed.iterdir()}
    (mixed / "report").mkdir()  # an earlier run's report inside the archive is not read
    (mixed / "report" / "summary.md").write_text("# Postmortem audit\n\n- 2 postmortems\n")
    code = run_audit([str(mixed)], mixed / "report", jobs=1)
    err = capsys.readouterr().err
    assert code == 1
    lines = [line for line in err.splitlines() if line.startswith("assist: skipped:")]
    assert len(lines) == 3
    assert any("latin1.md" in line and "UTF-8" in line for line in lines)
    assert any("broken.docx" in line and "not a .docx" in line for line in lines)
    assert any("empty.txt" in line and "empty" in line for line in lines)
    data = json.loads((mixed / "report" / "report.json").read_text(encoding="utf-8"))
    assert data["documents"] == 2
    assert {p.name: p.read_bytes() for p in mixed.iterdir() if p.is_file()} == before


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", "postmortem_assist.cli", *args],
        capture_output=True, text=True, env=env, cwd=cwd, timeout=300,
    )  # fmt: skip


def test_nothing_usable_is_one_line_and_exit_2(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.pdf").write_bytes(b"%PDF-1.4 not text")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "a.md").write_bytes(b"\x00\x01\x02binary")
    for args, needle in [
        ([str(empty)], "holds no text files"),
        ([str(bad)], "binary"),
        ([str(tmp_path / "missing")], "no such file"),
    ]:
        result = _cli("audit", *args, "-o", str(tmp_path / "out"), cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert needle in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert not (tmp_path / "out").exists()
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = _cli("audit", str(bad), "-o", str(tmp_path / "file"), cwd=tmp_path)
    assert result.returncode == 2 and "not a directory" in result.stderr


# --- the report in a real browser ---------------------------------------------------------

CHROMIUM = next(
    (p for n in ("chromium", "chromium-browser", "google-chrome") if (p := shutil.which(n))), None
)
SORT_BY_SCORE = """<script>
document.querySelector('#scorecard th:nth-child(3)').click();
</script></body>"""


def _chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    if CHROMIUM is None:
        pytest.skip("no chromium installed (apt-get install chromium) for the browser check")
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--no-first-run",
         f"--user-data-dir={tmp / 'profile'}", *args],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_report_renders_and_sorts_in_a_browser(audited, tmp_path: Path) -> None:
    out = audited[1]
    page = (out / "report.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(page, "html.parser")
    external = [
        t for t in soup.find_all(["script", "link", "img"]) if t.get("src") or t.get("href")
    ]
    assert external == []  # nothing is fetched at view time
    probe = out / "probe.html"
    probe.write_text(page.replace("</body>", SORT_BY_SCORE), encoding="utf-8")
    result = _chromium(tmp_path, "--dump-dom", probe.as_uri())
    assert result.returncode == 0, result.stderr[-500:]
    dom = BeautifulSoup(result.stdout, "html.parser")
    for table in ("periods", "rules", "scorecard"):
        assert dom.find("table", id=table) is not None
    rows = dom.select("#scorecard tbody tr")
    assert len(rows) == 6
    scores = [int(r.find_all("td")[2].get_text()) for r in rows]
    assert scores == sorted(scores, reverse=True) and scores != sorted(scores)
    assert dom.select_one("#scorecard th:nth-child(3)")["data-dir"] == "desc"
    assert len(dom.select("svg.chart")) == 4
    assert dom.select("svg.chart rect.bar")
    assert len(dom.select("details.group")) == len(audited[2]["recurring"])


def test_report_screenshot_has_the_window_size(audited, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    result = _chromium(
        tmp_path, "--window-size=1200,900", f"--screenshot={shot}",
        (audited[1] / "report.html").as_uri(),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-500:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1200, 900)
    assert len(data) > 20_000  # text, tables and charts, not a blank page
