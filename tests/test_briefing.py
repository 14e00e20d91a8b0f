"""Briefings: one self-contained file, untrusted text inert, and the terminal command.

The browser test (tests/browser/test_briefing.py) proves the charts draw with
the network blocked; these tests read the file itself.
"""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html as lxml_html

from loaders import load_corpus
from seedscope.__main__ import main
from seedscope.briefing import build_briefing
from seedscope.explore import Explorer
from seedscope.filters import FilterState
from tests.conftest import FIXTURE_DOCS, ROOT

# A digest whose every field tries to become markup or a script.

EVIL = """# __<script>alert("title")</script> Evil digest__, (from page [20240910](https://kghosh.substack.com/p/20240910).)

__[External link](javascript:alert(document.cookie))__

## Keywords

* <img src=x onerror=alert(1)>
* {{ 7 * 7 }}

## Themes

* "><svg onload=alert(2)>
* energy

## Summary

Nothing to see <style>body{display:none}</style>.

## Signals

| name | description | change | 10-year | driving-force | relevancy |
|:-----|:------------|:-------|:--------|:--------------|----------:|
| <b onmouseover=alert(3)>Bold claim</b> | <a href="javascript:alert(4)">click</a> \
| Cultural/Social | <iframe src="https://evil.example/"></iframe> | ' onfocus='alert(5) | 5 |
"""


@pytest.fixture(scope="module")
def explorer(tmp_path_factory: pytest.TempPathFactory) -> Explorer:
    seeds = tmp_path_factory.mktemp("briefing-seeds")
    for name in ("new_layout.md", "old_layout.md", "raw_html.md", "french.md"):
        (seeds / name).write_bytes((FIXTURE_DOCS / name).read_bytes())
    (seeds / "evil.md").write_text(EVIL, encoding="utf-8")
    return Explorer(load_corpus(seeds, tmp_path_factory.mktemp("briefing-cache")))


@pytest.fixture(scope="module")
def text(explorer: Explorer) -> str:
    return build_briefing(explorer, FilterState(), corpus_label="fixtures")


@pytest.fixture(scope="module")
def page(text: str):
    return lxml_html.fromstring(text)


def test_the_file_asks_for_nothing_outside_itself(text: str, page) -> None:
    assert page.xpath("//*[@src]") == []  # no script, image, frame or font to fetch
    assert page.xpath("//link") == [] and page.xpath("//iframe|//object|//embed") == []
    styles = "".join(page.xpath("//style/text()"))
    assert "@import" not in styles and "url(" not in styles
    assert not re.search(r"<script[^>]+src", text, re.IGNORECASE)
    scripts = page.xpath("//script")
    assert len(scripts) == 1


def test_its_content_security_policy_allows_only_its_own_script(text: str, page) -> None:
    policy = page.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')[0]
    assert "default-src 'none'" in policy
    script = re.search(r"<script>(.*?)</script>", text, re.DOTALL)
    assert script is not None
    digest = base64.b64encode(hashlib.sha256(script.group(1).encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy


def test_untrusted_text_stays_text(text: str, page) -> None:
    # nothing from a document became an element or an event handler
    assert page.xpath("//@*[starts-with(name(), 'on')]") == []
    assert (
        page.xpath(
            "//body//img|//body//svg[not(contains(@class, 'spark') or "
            "contains(@class, 'chart'))]|//body//b|//body//iframe"
        )
        == []
    )
    assert len(page.xpath("//style")) == 1
    # ... and reads exactly as written
    body = page.text_content()
    assert '<script>alert("title")</script> Evil digest' in body
    assert "<b onmouseover=alert(3)>Bold claim</b>" in body
    assert '"><svg onload=alert(2)>' in body
    assert "{{ 7 * 7 }}" in body  # listed among the concepts without a family, unrendered
    # only http(s) links are links
    hrefs = page.xpath("//a/@href")
    assert hrefs and all(h.startswith(("https://", "http://", "#")) for h in hrefs)
    assert not any("javascript" in h.lower() for h in hrefs)


def test_every_part_of_a_briefing_is_there(page) -> None:
    for section in ("rising", "signals", "top", "heatmap", "coverage", "sources"):
        assert page.xpath(f'//section[@id="{section}"]'), section
    assert page.xpath('//dd[@data-field="filters"]/text()') == ["no filters"]
    sources = page.xpath('//section[@id="sources"]//li')
    assert len(sources) == 5
    # the digest page is the link when the external link is not http(s)
    evil = next(li for li in sources if "Evil digest" in li.text_content())
    assert evil.xpath(".//a/@href") == ["https://kghosh.substack.com/p/20240910"]
    steps = page.xpath('//section[@id="top"]//ol[@class="steps"]')[0]
    labels = [s.text_content() for s in steps.xpath('.//span[@class="step"]')]
    assert labels == ["Today", "Change", "In 10 years", "Driving force"]
    assert page.xpath('//table[@data-chart="heatmap"]//td[contains(@class, "cell")]')
    # the old digest's Change column classifies its signal: Social is covered
    assert "1 signals name theirs in their Change column" in page.text_content()


def test_a_briefing_of_filters_says_so(explorer: Explorer) -> None:
    # "energy" takes in its narrower concepts (renewable energy) unless told not to
    page = lxml_html.fromstring(build_briefing(explorer, FilterState(themes=("energy",))))
    assert page.xpath('//dd[@data-field="filters"]/text()') == ["themes: energy"]
    assert len(page.xpath('//section[@id="sources"]//li')) == 2
    only = FilterState(themes=("energy",), narrower=False)
    page = lxml_html.fromstring(build_briefing(explorer, only))
    assert page.xpath('//dd[@data-field="filters"]/text()') == [
        "themes: energy; narrower concepts left out"
    ]
    assert len(page.xpath('//section[@id="sources"]//li')) == 1


def test_a_briefing_of_nothing_says_why(explorer: Explorer) -> None:
    page = lxml_html.fromstring(build_briefing(explorer, FilterState(q="no such words at all")))
    assert "No documents match these filters" in page.text_content()
    assert page.xpath('//section[@id="sources"]//li') == []


# -- python -m seedscope brief ------------------------------------------------------


def brief(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "seedscope", "brief", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_brief_writes_the_file_and_prints_one_line(tmp_path: Path) -> None:
    out = tmp_path / "briefing.html"
    result = brief(
        str(FIXTURE_DOCS),
        "--cache",
        str(tmp_path / "cache"),
        "--theme",
        "Urban policy",
        "--since",
        "2022-01-01",
        "--window-quarters",
        "4",
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"wrote {out} (")
    assert "themes: Urban policy; dates 2022-01-01 to …" in lines[0]
    page = lxml_html.fromstring(out.read_text(encoding="utf-8"))
    assert page.xpath('//dd[@data-field="filters"]/text()') == [
        "themes: Urban policy; dates 2022-01-01 to …"
    ]
    assert list(tmp_path.glob(".briefing.html.*")) == []  # no temporary left behind


@pytest.fixture(scope="module")
def fixture_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("brief-cache")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--theme", "no such theme"], "no document has the theme 'no such theme'"),
        (["--since", "2024-02-30"], "is not a date"),
        (["--window-quarters", "0"], "is not a number of quarters"),
        (["--window-quarters", "two"], "is not a number of quarters"),
        (["--out", "{missing}/b.html"], "does not exist"),
        (["--out", "{tmp}"], "is a folder"),
        (["SEEDS={missing}"], "does not exist"),
        (["SEEDS={file}"], "is not a folder"),
    ],
)
def test_a_bad_argument_exits_two_and_writes_nothing(
    tmp_path: Path, fixture_cache: Path, capsys: pytest.CaptureFixture[str], args, message
) -> None:
    out = tmp_path / "briefing.html"
    out.write_text("yesterday's briefing", encoding="utf-8")
    seeds = str(FIXTURE_DOCS)
    extra = []
    for arg in args:
        arg = arg.format(missing=tmp_path / "missing", tmp=tmp_path, file=out)
        if arg.startswith("SEEDS="):
            seeds = arg.removeprefix("SEEDS=")
        else:
            extra.append(arg)
    if "--out" not in extra:
        extra += ["--out", str(out)]
    try:  # in-process: argparse ends with SystemExit(2), our checks return 2
        code = main(["brief", seeds, "--cache", str(fixture_cache), *extra])
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert out.read_text(encoding="utf-8") == "yesterday's briefing"


def test_a_bad_argument_from_a_terminal_exits_two(tmp_path: Path) -> None:
    result = brief(str(tmp_path / "nope"), "--out", str(tmp_path / "b.html"))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"python -m seedscope brief: error: SEEDS_DIR {tmp_path / 'nope'} does not exist"
    )
    assert not (tmp_path / "b.html").exists()


def test_brief_without_out_shows_usage(tmp_path: Path) -> None:
    result = brief(str(FIXTURE_DOCS))
    assert result.returncode == 2
    assert "--out" in result.stderr and "usage:" in result.stderr
