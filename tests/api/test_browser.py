"""End-to-end: the page in headless Chromium against a real server on loopback, with screenshots.

Needs Debian's chromium and the playwright package (never a downloaded browser); skipped without them.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

playwright_sync = pytest.importorskip("playwright.sync_api")
import uvicorn  # noqa: E402

import api  # noqa: E402
from tests.api.fake_engine import INJECTION_MARKUP, FakeEngine  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "web"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="Debian's chromium package is not installed")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def base_url(settings) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(api.create_app(settings, FakeEngine()), host="127.0.0.1", port=port,
                            log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the test server did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(params=[(1280, 800), (820, 1180)], ids=["laptop", "tablet"])
def page(request, base_url: str):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    width, height = request.param
    with playwright_sync.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": width, "height": height})
        # Nothing may leave loopback: an offline hospital network has no CDN.
        outside: list[str] = []
        context.route("**/*", lambda route: (outside.append(route.request.url), route.abort())
                      if not route.request.url.startswith(base_url) else route.continue_())
        tab = context.new_page()
        tab.on("pageerror", lambda err: pytest.fail(f"script error on the page: {err}"))
        tab.goto(base_url + "/")
        tab.viewport_name = request.node.callspec.id  # type: ignore[attr-defined]
        yield tab
        assert outside == [], f"the page tried to reach {outside}"
        browser.close()


def _shot(tab, name: str) -> None:
    tab.screenshot(path=str(ARTIFACTS / f"{name}-{tab.viewport_name}.png"), full_page=True)


def test_ask_follow_up_open_citation_and_start_over(page) -> None:
    page.fill("#question", "What is first-line therapy for a gout flare?")
    page.click("#ask-button")
    page.wait_for_selector(".turn .guidelines")
    assert "From the Guidelines" in page.inner_text(".turn")
    assert "characters" in page.inner_text(".turn .references .ref-location")  # the server's display parts
    assert page.is_visible("#followup-form") and not page.is_visible("#question-form")
    _shot(page, "1-answer")

    page.fill("#followup", "and allopurinol titration?")
    page.click("#followup-button")
    page.wait_for_selector(".turn:nth-of-type(2)")
    interpreted = page.inner_text(".turn:nth-of-type(2) .interpreted")
    assert "gout flare" in interpreted.lower()  # the question as carried over from the first turn
    _shot(page, "2-follow-up")

    page.click(".turn:nth-of-type(2) .research a.cite")
    page.wait_for_selector("#passage mark")
    marked = page.inner_text("#passage mark")
    assert marked.startswith("Allopurinol dose escalation") and marked.endswith("toxicity.")
    assert "Allopurinol dosing in chronic kidney disease" in page.inner_text("#passage-title")
    assert "Rheumatology" in page.inner_text("#passage-meta")
    _shot(page, "3-passage")

    page.click("#new-conversation")
    assert page.locator(".turn").count() == 0
    assert page.is_visible("#question-form") and not page.is_visible("#passage")
    page.fill("#question", "gout flare")
    page.click("#ask-button")
    page.wait_for_selector(".turn")
    assert page.locator(".interpreted").count() == 0  # a new conversation: nothing carried over


def test_refusal_and_errors_are_explained(page) -> None:
    page.fill("#question", "zebra xylophone")
    page.click("#ask-button")
    page.wait_for_selector(".refusal")
    assert "Nothing in the indexed" in page.inner_text(".refusal")
    page.fill("#followup", "x" * 400)  # over the fixture's 300-character limit
    page.click("#followup-button")
    page.wait_for_selector("#status.error")
    assert "300" in page.inner_text("#status")
    _shot(page, "4-refusal-and-error")


def test_a_lead_in_shows_the_list_it_introduces_as_items(page) -> None:
    page.fill("#question", "cultures in pneumonia")
    page.click("#ask-button")
    page.wait_for_selector(".turn .guidelines ul.items")
    extract = page.inner_text(".turn .guidelines .extract")
    assert extract == "Obtain blood cultures in pneumonia patients:"  # the server's display: markup removed
    assert page.locator(".turn .guidelines ul.items li").all_inner_texts() == [
        "starting MRSA coverage", "severely ill."
    ]


def test_markup_in_the_corpus_renders_as_text(page) -> None:
    page.fill("#question", "warfarin interactions")
    page.click("#ask-button")
    page.wait_for_selector(".turn .research a.cite")
    assert INJECTION_MARKUP.split(">")[0] in page.inner_text(".turn")  # shown, as text
    page.click(".turn .references a.ref-link")
    page.wait_for_selector("#passage:not([hidden])")
    assert "onerror=" in page.inner_text("#passage-text")
    assert "<script>" in page.inner_text("#passage-title")
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#main script, #passage script, #main img, #passage img").count() == 0
    _shot(page, "5-injection")
