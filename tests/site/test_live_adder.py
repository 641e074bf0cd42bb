"""The proved adder, live on the landing page, in Chromium with the network cut off.

The page fetches ``_static/proved_adder.json`` (a copy of
``book/data/proved_adder.json``) and runs ``_static/gru_adder.js``. These
tests type pairs the golden files never saw (drawn here, at random) and the
hard cases into ``#gru-a`` and ``#gru-b``, and require ``#gru-sum`` to be the
exact sum; every bad input must be refused in ``#gru-error`` with no sum
shown. In the page itself they also measure the browser's ``Math.exp`` and
``Math.tanh`` (in ulps) and the JavaScript step's deviation from exact
arithmetic, on the points of ``_build/golden.json`` (``make test`` writes it
first, with ``python -m grubook.golden``). Screenshots, light and dark, at
1280 and 390 pixels, go to the screenshots folder for a human to look at.
"""

from __future__ import annotations

import json
import random
import secrets
import sys

import pytest
from sitetools import ROOT, SCREENSHOTS, open_page

from grubook.analysis import adversarial_pairs
from grubook.hard_cases import hard_pairs

PAGE = "book/intro.html"
NETWORK = ROOT / "book" / "data" / "proved_adder.json"
GOLDEN = ROOT / "_build" / "golden.json"
MAX_DIGITS = 20_000

READY = "document.querySelector('.gru-app[data-state=ready]') !== null"


@pytest.fixture(scope="module", autouse=True)
def long_int_strings():
    """Python's int <-> str limit (4,300 digits) raised to the page's, then restored."""
    before = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(2 * MAX_DIGITS)
    yield
    sys.set_int_max_str_digits(before)


@pytest.fixture(scope="module")
def page(browser, server):
    """The landing page, its adder loaded; every request outside the site blocked."""
    visit, context, page = open_page(browser, server + PAGE)
    page.wait_for_function(READY)
    page.visit = visit
    yield page
    context.close()


def add(page, a: str, b: str) -> dict:
    """Type ``a`` and ``b``, press Add; what the page shows."""
    page.fill("#gru-a", a)
    page.fill("#gru-b", b)
    page.click("#gru-add")
    return page.evaluate(
        """() => ({
            sum: document.querySelector('#gru-sum').textContent,
            result_shown: !document.querySelector('.gru-result').hidden,
            error: document.querySelector('#gru-error').hidden
                   ? null : document.querySelector('#gru-error').textContent,
            status: document.querySelector('#gru-status').textContent,
        })"""
    )


def test_the_site_serves_the_book_network(site):
    assert NETWORK.is_file(), f"{NETWORK} is missing (chapter 7's export writes it)"
    served = site / "_static" / "proved_adder.json"
    assert served.is_file(), "the built site does not serve proved_adder.json"
    assert served.read_bytes() == NETWORK.read_bytes(), "the site serves another network"


def test_page_loads_the_adder_from_the_site_only(page):
    assert not page.visit.external_requests, page.visit.external_requests
    assert not page.visit.failed_requests, page.visit.failed_requests
    assert not page.visit.console_errors, page.visit.console_errors
    labels = page.evaluate(
        "() => ['gru-a', 'gru-b'].map((id) => document.querySelector(`label[for=${id}]`)"
        ".textContent)"
    )
    assert labels == ["First number, a", "Second number, b"]
    assert page.get_attribute("#gru-status", "aria-live") == "polite"
    assert page.get_attribute("#gru-error", "role") == "alert"
    text = page.inner_text(".gru-adder")
    assert "What is proved" in text and f"at most {MAX_DIGITS:,} digits" in text
    assert page.get_attribute(".gru-proof a", "href") == "07_proved_for_every_length.html"


def _hidden_pairs() -> list[tuple[int, int]]:
    """Pairs drawn now, from the operating system's randomness: no golden file holds them."""
    rng = random.Random(secrets.randbits(64))
    pairs = [(rng.randrange(10**d), rng.randrange(10**e))
             for d, e in [(1, 1), (3, 20), (50, 50), (300, 299), (1000, 7), (4000, 4000)]]
    pairs += [(rng.getrandbits(1000), rng.getrandbits(1000)) for _ in range(4)]
    return pairs


def _hard_cases() -> list[tuple[int, int]]:
    pairs = []
    for n_bits in (2, 64, 1000, 20_000):
        pairs += adversarial_pairs(n_bits, seed=n_bits).values()
    for n_bits in (16, 333, 5000):
        pairs += hard_pairs(n_bits, 6, seed=secrets.randbits(32))
    return pairs


def test_hidden_random_pairs_sum_exactly(page):
    for a, b in _hidden_pairs():
        shown = add(page, str(a), str(b))
        assert shown["error"] is None, shown["error"]
        assert shown["result_shown"]
        assert shown["sum"] == str(a + b), f"{a} + {b}"
        assert "equals a + b exactly" in shown["status"]


def test_hard_cases_sum_exactly(page):
    for a, b in _hard_cases():
        shown = add(page, str(a), str(b))
        assert shown["sum"] == str(a + b), f"{a} + {b} ({max(a, b).bit_length()} bits)"


def test_longest_allowed_input_sums_exactly(page):
    a = 10**MAX_DIGITS - 1
    b = int("1" * MAX_DIGITS)
    shown = add(page, str(a), str(b))
    assert shown["sum"] == str(a + b)


def test_enter_adds(page):
    page.fill("#gru-a", "")
    page.fill("#gru-b", "")
    page.click("#gru-a")
    page.keyboard.type("999")
    page.keyboard.press("Tab")
    page.keyboard.type("1")
    page.keyboard.press("Enter")
    assert page.text_content("#gru-sum") == "1000"


BAD = {
    "": "empty",
    "   ": "empty",
    "-12": "negative",
    "1e5": "exponent",
    "2.5E3": "exponent",
    "12 345": "space inside",
    "12.5": '"."',
    "0x1f": '"x"',
    "+7": '"+"',
    "12,345": '","',
    "seven": '"s"',
    "1" * (MAX_DIGITS + 1): f"at most {MAX_DIGITS:,} digits",
}


@pytest.mark.parametrize("text", list(BAD), ids=lambda t: repr(t[:12]))
@pytest.mark.parametrize("where", ["a", "b"])
def test_bad_input_refused_with_no_result(page, text, where):
    add(page, "5", "6")  # a result on show first: a refusal must clear it
    a, b = (text, "5") if where == "a" else ("5", text)
    shown = add(page, a, b)
    assert shown["error"] is not None, f"{text[:20]!r} in {where} was not refused"
    assert BAD[text] in shown["error"]
    assert f"number, {where}" in shown["error"]
    assert shown["sum"] == "" and not shown["result_shown"]
    assert page.get_attribute(f"#gru-{where}", "aria-invalid") == "true"


def test_presets_sum_exactly(page):
    page.select_option("#gru-n", "1000")
    for preset in ("chain", "mirror", "hold", "random"):
        page.click(f"[data-preset={preset}]")
        a, b = int(page.input_value("#gru-a")), int(page.input_value("#gru-b"))
        assert page.text_content("#gru-sum") == str(a + b), preset
    assert a.bit_length() == b.bit_length() == 1000  # the random preset


def test_heatmap_values_on_hover_and_keyboard(page):
    add(page, str(2**40 - 1), "1")  # 40 bits: steps 0 to 40
    page.focus(".gru-canvas")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # rows a, b, then unit 1 of z
    page.keyboard.press("ArrowRight")
    assert page.text_content("#gru-cell").startswith("Step 1: z of unit 1 = ")
    box = page.locator(".gru-canvas").bounding_box()
    page.mouse.move(box["x"] + box["width"] - 3, box["y"] + 2)
    assert page.text_content("#gru-cell").startswith("Step 40 (the carry-out step): a bit")
    add(page, "1" * MAX_DIGITS, "1")  # 66,000 steps: one canvas, a window of them
    assert page.evaluate("document.querySelectorAll('.gru-adder *').length") < 200
    assert int(page.get_attribute("#gru-scroll", "max")) > 60_000


def _golden() -> dict:
    assert GOLDEN.is_file(), f"{GOLDEN} is missing: run python -m grubook.golden --out {GOLDEN}"
    return json.loads(GOLDEN.read_text(encoding="utf8"))


IN_PAGE_JS = """
async (g) => {
  const m = await import(new URL('../_static/gru_adder.js', location.href));
  const net = m.loadNetwork(await (await fetch('../_static/proved_adder.json')).json());
  const ulp = (y) => {
    const v = new DataView(new ArrayBuffer(8));
    v.setFloat64(0, Math.abs(y)); v.setBigUint64(0, v.getBigUint64(0) + 1n);
    return v.getFloat64(0) - Math.abs(y);
  };
  const ulps = {};
  for (const [name, f] of [['exp', Math.exp], ['tanh', Math.tanh]]) {
    ulps[name] = Math.max(...g.functions[name].filter(([, y]) => y !== 0)
                               .map(([x, y]) => Math.abs(f(x) - y) / ulp(y)));
  }
  let step = 0;
  const out = new Float64Array(net.units);
  for (const s of g.steps) {
    m.step(net, Float64Array.from(s.h), s.pair[0], s.pair[1], out);
    out.forEach((v, u) => { step = Math.max(step, Math.abs(v - s.exact_next[u])); });
  }
  return { ulps, step };
}
"""


def test_browser_arithmetic_within_the_certificate(page):
    golden = _golden()
    measured = page.evaluate(IN_PAGE_JS, golden)
    print(f"Chromium: {measured}")
    assert measured["ulps"]["exp"] <= 2 and measured["ulps"]["tanh"] <= 2, measured
    assert measured["step"] <= golden["float64_step_bound"] < golden["step_error"] * 1e-6


OVERFLOW_JS = """
() => {
  const w = document.querySelector('.gru-adder');
  const out = Array.from(w.querySelectorAll('*'))
    .filter((e) => e.getBoundingClientRect().right > w.getBoundingClientRect().right + 1);
  return out.map((e) => e.tagName + '.' + e.className);
}
"""

COLOURS_JS = """
() => ['#gru-status', '.gru-note', '#gru-a', '.gru-adder']
  .map((s) => [getComputedStyle(document.querySelector(s)).color,
               getComputedStyle(document.querySelector('.gru-adder')).backgroundColor])
"""


def _luminance(css: str) -> float:
    channels = [int(v) / 255 for v in css[css.index("(") + 1 : css.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390])
def test_readable_in_both_themes_and_on_a_phone(browser, server, theme, width):
    visit, context, page = open_page(browser, server + PAGE)
    try:
        page.set_viewport_size({"width": width, "height": 900})
        page.evaluate(f"document.documentElement.dataset.theme = '{theme}'")
        page.wait_for_function(READY)
        page.click("[data-preset=chain]")
        page.hover(".gru-canvas", position={"x": 60, "y": 30})
        assert page.evaluate(OVERFLOW_JS) == [], "the widget is wider than its box"
        for text, background in page.evaluate(COLOURS_JS):
            lighter, darker = sorted([_luminance(text), _luminance(background)], reverse=True)
            contrast = (lighter + 0.05) / (darker + 0.05)
            assert contrast >= 4.5, f"{theme}: {text} on {background} has contrast {contrast:.1f}"
        # A viewport as tall as the page, so that nothing scrolls and the
        # sticky header stays at the top, out of the widget's picture.
        height = page.evaluate("document.documentElement.scrollHeight")
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("window.scrollTo(0, 0)")
        box = page.locator(".gru-adder").bounding_box()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(SCREENSHOTS / f"live_adder_{theme}_{width}.png"),
            clip={"x": 0, "y": box["y"] - 10, "width": width, "height": box["height"] + 20},
        )
    finally:
        context.close()
