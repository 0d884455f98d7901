#!/usr/bin/env python3
"""Browser tests of <ops-sla-card>, the badge and the dashboard, in Debian's headless Chromium
driven by Selenium, against the real server (hms-ops serve, embedded PostgreSQL) holding 90 days
of imported demo history. Time is driven by the server's test clock (HMS_OPS_TEST_CLOCK, 20x),
never waited for. Screenshots go to --screenshots (default .build/screenshots).

  python3 Tests/Browser/test_browser.py --binary .build/debug/hms-ops [--screenshots docs/screenshots]
"""
import argparse
import glob
import http.server
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

from selenium_axe_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FAILURES = []


def thaw(pids):
    """Lets stopped processes run again (those that are gone are skipped)."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGCONT)
        except OSError:
            pass
    pids.clear()


def children(parent):
    """The pids whose parent is `parent` (from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == parent:
                    found.append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    return found


def check(condition, message):
    """Records a failed expectation and goes on, so one run shows every problem."""
    if not condition:
        FAILURES.append(message)
        print("FAIL:", message, flush=True)
    return condition


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def until(what, condition, seconds=30):
    """Polls `condition` (the server's virtual clock runs 20x, so events come in seconds)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out waiting for " + what)


class Server:
    """hms-ops serve with its config, history imported first; stopped on exit."""

    def __init__(self, binary, work):
        self.binary, self.work = binary, work
        self.port = free_port()
        self.origin = "http://127.0.0.1:%d" % self.port
        self.config = os.path.join(work, "hms-ops.yaml")
        with open(self.config, "w") as f:
            f.write(CONFIG % {"data": os.path.join(work, "data"), "port": self.port})
        self.process = None

    def run(self, arguments, **kwargs):
        result = subprocess.run([self.binary] + arguments, capture_output=True, text=True, **kwargs)
        if result.returncode != 0:
            raise AssertionError("hms-ops %s failed: %s%s" % (" ".join(arguments), result.stdout, result.stderr))
        return result.stdout

    def start(self):
        now = int(time.time() * 1000)
        env = dict(os.environ, HMS_OPS_TEST_CLOCK="%d:%d:20" % (now, now))
        self.log = open(os.path.join(self.work, "serve.log"), "w")
        self.process = subprocess.Popen([self.binary, "serve", "--config", self.config], stdout=self.log, stderr=subprocess.STDOUT, env=env)

        def ready():
            try:
                return all(get_json(self.origin + "/public/v1/services/%s/sla?period=24h" % s)["generated_at"] for s in ("crop-relief", "tax-filing", "benefits-portal"))
            except (OSError, ValueError):
                return False

        until("the first SLO snapshot", ready, 120)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(60)


CONFIG = """data_dir: %(data)s
listen: {host: 127.0.0.1, port: %(port)d}
services:
  - id: crop-relief
    name: Crop-Relief Online
    agency: USDA
    time_zone: America/Chicago
    targets: ["http://127.0.0.1:9/metrics"]
    slos:
      - id: availability
        objective: 99.9
        window: 30d
        sli: {ratio: {good: 'claims_total{code!~"5.."}', total: claims_total}}
      - id: median-latency
        objective: 99.9
        window: 30d
        sli: {latency: {histogram: latency_ms, percentile: 50, below: 250}}
  - id: tax-filing
    name: Tax Filing Assistant
    agency: IRS
    targets: ["http://127.0.0.1:9/metrics"]
    slos:
      - id: availability
        objective: 99.9
        window: 30d
        sli: {ratio: {good: 'claims_total{code!~"5.."}', total: claims_total}}
  - id: benefits-portal
    name: Benefits Portal
    agency: SSA
    targets: ["http://127.0.0.1:9/metrics"]
    slos:
      - id: availability
        objective: 99.9
        window: 30d
        sli: {ratio: {good: 'claims_total{code!~"5.."}', total: claims_total}}
  - id: internal-batch
    name: Nightly batch
    public: false
    targets: ["http://127.0.0.1:9/metrics"]
"""

PAGE = """<!doctype html>
<html lang="%(lang)s"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src %(origin)s; connect-src %(origin)s http://127.0.0.1:%(hang)d http://127.0.0.1:%(closed)d; img-src %(origin)s">
<title>Cards</title><script type="module" src="%(origin)s/widgets/ops-sla-card.js"></script></head>
<body><main><h1>Cards</h1>%(cards)s</main></body></html>
"""


def card_state(driver, card):
    return card.get_attribute("state")


def card_text(driver, card):
    """The card's figures as {label: (value, target)} and its other texts."""
    return driver.execute_script(
        """
        const root = arguments[0].shadowRoot, out = {figures: {}};
        for (const row of root.querySelectorAll("dl div"))
          out.figures[row.querySelector("dt").textContent] = [row.querySelector("[part=value]").textContent,
            row.querySelector("[part=target]")?.textContent || null];
        out.status = root.querySelector("[part=status]").textContent;
        out.title = root.querySelector("[part=title]").textContent;
        out.note = root.querySelector("[part=note]").hidden ? "" : root.querySelector("[part=note]").textContent;
        out.generated = root.querySelector("time")?.getAttribute("datetime") || null;
        out.pause = root.querySelector("[part=pause]").textContent;
        out.live = root.querySelector("[aria-live]").textContent;
        return out;
        """,
        card,
    )


def expect_figures(driver, card, origin, service, period, label, spanish=False):
    """The card states what the JSON says: uptime floored to 2 decimals, median latency rounded
    up to a whole ms, the lowest error budget left floored to 0.1 %."""
    for _ in range(40):
        shown = card_text(driver, card)
        data = get_json("%s/public/v1/services/%s/sla?period=%s" % (origin, service, period))
        if shown["generated"] == data["generated_at"]:
            break
        driver.execute_script("arguments[0].setAttribute('refresh', String(15 + Math.random()))", card)
        time.sleep(0.5)
    else:
        return check(False, "%s: the card never showed the figures of the JSON it was compared with" % service)
    comma = (lambda text: text.replace(".", ",")) if spanish else (lambda text: text)
    figures = shown["figures"]
    uptime_label = ("Disponibilidad (%s)" if spanish else "Uptime (%s)") % label
    check(figures.get(uptime_label, [None])[0] == comma("%.2f %%" % data["uptime_percent"]),
          "%s uptime: card %r, JSON %r" % (service, figures, data["uptime_percent"]))
    target = data["targets"]["uptime_percent"]
    check(figures[uptime_label][1] == ("objetivo %s %%" if spanish else "target %s %%") % comma(target), "uptime target %r" % figures)
    if data["latency_ms"]["p50"] is not None:
        latency = figures.get("Latencia mediana" if spanish else "Median latency")
        check(latency and latency[0] == "%d ms" % math.ceil(data["latency_ms"]["p50"]), "%s p50: card %r, JSON %r" % (service, latency, data["latency_ms"]))
    budgets = [s["error_budget_remaining_ratio"] for s in data["slos"] if s["error_budget_remaining_ratio"] is not None]
    left = min(budgets)
    budget = figures.get("Presupuesto de error restante" if spanish else "Error budget left")
    expected = ("agotado" if spanish else "overspent") if left < 0 else comma("%.1f %%" % (math.floor(left * 1000) / 10))
    check(budget and budget[0] == expected, "%s budget: card %r, JSON %r" % (service, budget, budgets))
    return data


def focus_ring(driver, card):
    """Tab to the card's pause button; its outline while focused by keyboard."""
    driver.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
    body = driver.find_element(By.TAG_NAME, "body")
    for _ in range(12):
        body.send_keys(Keys.TAB)
        if driver.execute_script("return document.activeElement === arguments[0]", card):
            break
    return driver.execute_script(
        """const b = arguments[0].shadowRoot.activeElement;
           if (!b) return null; const s = getComputedStyle(b);
           return {part: b.getAttribute('part'), style: s.outlineStyle, width: s.outlineWidth, visible: b.matches(':focus-visible')};""",
        card,
    )


def axe_violations(driver):
    """axe-core (4.9, from PyPI's selenium-axe-python) over the page, shadow roots included: WCAG 2.1 A and AA."""
    Axe(driver).inject()
    driver.set_script_timeout(120)
    results = driver.execute_async_script(
        """const done = arguments[arguments.length - 1];
           axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
              .then(done).catch((error) => done({error: String(error)}));""")
    if "error" in results:
        return [("axe failed", results["error"], [])]
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in results["violations"]]


def browser(dark=False, javascript=True):
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1000,900", "--lang=en-US"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    if dark:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    return driver


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/debug/hms-ops"))
    parser.add_argument("--screenshots", default=os.path.join(ROOT, ".build/screenshots"))
    args = parser.parse_args()
    os.makedirs(args.screenshots, exist_ok=True)
    work = tempfile.mkdtemp(prefix="hms-ops-browser-")
    os.chmod(work, 0o755)  # the embedded PostgreSQL runs as another user and must reach its data
    server = Server(os.path.abspath(args.binary), work)
    hang = socket.socket()
    hang.bind(("127.0.0.1", 0))
    hang.listen(16)  # accepts connections, never answers: the card stays loading
    closed = free_port()  # nothing listens: the card cannot reach its API
    site = None
    drivers = []
    frozen = []  # processes of the database stopped with SIGSTOP, thawed whatever happens
    try:
        # 90 days of the demo's history (three days under target, incidents in the last hours),
        # and a month of a service that broke its promise every day.
        end = int(time.time()) // 1800 * 1800
        generator = os.path.join(ROOT, "scripts/demo-history.py")
        # Benefits Portal burns its budget at twice the sustainable rate for its last three days:
        # the 3-day/6-hour ticket condition fires (degraded) with two thirds of the budget left.
        histories = (
            ("crop-relief", ["--days", "90", "--incident"]),
            ("tax-filing", ["--days", "31", "--bad-days", ",".join(map(str, range(31)))]),
            ("benefits-portal", ["--days", "31", "--bad-days", "0,1,2", "--bad-rate", "0.002"]),
        )
        for service, extra in histories:
            path = os.path.join(work, service + ".om")
            with open(path, "w") as f:
                subprocess.run([sys.executable, generator, "--step", "1800", "--end", str(end)] + extra, stdout=f, check=True)
            server.run(["import", "openmetrics", path, "--service", service, "--config", server.config], timeout=600)
        server.start()
        origin = server.origin

        # Pages of another origin, as an agency portal would be.
        pages = os.path.join(work, "site")
        os.makedirs(pages)
        with open(os.path.join(ROOT, "examples/portal.html")) as f:
            portal = f.read().replace("http://localhost:9090", origin)
        with open(os.path.join(pages, "portal.html"), "w") as f:
            f.write(portal)
        cards = {
            "states.html": ("en", '<ops-sla-card id="breaching" service="tax-filing" period="30d"></ops-sla-card>'
                            '<ops-sla-card id="degraded" service="benefits-portal" period="7d"></ops-sla-card>'
                            '<ops-sla-card id="missing" service="no-such-service"></ops-sla-card>'
                            '<ops-sla-card id="hidden" service="internal-batch"></ops-sla-card>'
                            '<ops-sla-card id="loading" service="crop-relief" api="http://127.0.0.1:%d/"></ops-sla-card>'
                            '<ops-sla-card id="unreachable" service="crop-relief" api="http://127.0.0.1:%d/"></ops-sla-card>' % (hang.getsockname()[1], closed)),
            "light.html": ("en", '<ops-sla-card id="card" service="crop-relief" period="24h" theme="light"></ops-sla-card>'),
            "dark.html": ("en", '<ops-sla-card id="card" service="crop-relief" period="24h"></ops-sla-card>'),
            "es.html": ("es", '<ops-sla-card id="card" service="crop-relief" period="7d"></ops-sla-card>'),
            "unknown.html": ("en", '<ops-sla-card id="card" service="no-such-service" period="24h"></ops-sla-card>'),
            # One card on screen, one far below it (paragraphs push it down: the page allows no styles).
            "refresh.html": ("en", '<ops-sla-card id="shown" service="crop-relief" period="24h" refresh="20"></ops-sla-card>'
                             + "<p>.</p>" * 300 + '<ops-sla-card id="below" service="crop-relief" period="7d" refresh="20"></ops-sla-card>'),
        }
        for name, (lang, body) in cards.items():
            with open(os.path.join(pages, name), "w") as f:
                f.write(PAGE % {"lang": lang, "origin": origin, "hang": hang.getsockname()[1], "closed": closed, "cards": body})
        handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=pages, **k)
        http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None
        site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=site.serve_forever, daemon=True).start()
        home = "http://127.0.0.1:%d/" % site.server_address[1]

        driver = browser()
        drivers.append(driver)

        # The example portal under its strict CSP: two cards with the JSON's figures, no console errors.
        driver.get(home + "portal.html")
        portal_cards = driver.find_elements(By.TAG_NAME, "ops-sla-card")
        until("the portal's cards", lambda: all(card_state(driver, c) not in (None, "loading") for c in portal_cards))
        data = expect_figures(driver, portal_cards[0], origin, "crop-relief", "24h", "last 24 hours")
        check(card_state(driver, portal_cards[0]) == data["status"], "portal card state %r, JSON %r" % (card_state(driver, portal_cards[0]), data["status"]))
        expect_figures(driver, portal_cards[1], origin, "crop-relief", "30d", "últimos 30 días", spanish=True)
        errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
        check(not errors, "console errors on the strict-CSP portal: %r" % errors)
        violations = axe_violations(driver)
        check(not violations, "axe on the portal with two cards: %r" % violations)
        ring = focus_ring(driver, portal_cards[0])
        check(ring and ring["part"] == "pause" and ring["visible"] and ring["style"] != "none" and ring["width"] != "0px",
              "keyboard focus on the card's pause control is not visible: %r" % ring)

        # Pause (WCAG 2.2.2): the control says what it does and stops the refreshes.
        card = portal_cards[0]
        driver.execute_script("arguments[0].shadowRoot.querySelector('[part=pause]').click()", card)
        shown = card_text(driver, card)
        pressed = driver.execute_script("return arguments[0].shadowRoot.querySelector('[part=pause]').getAttribute('aria-pressed')", card)
        check(shown["pause"] == "Resume updates" and pressed == "true", "pause control: %r, aria-pressed %r" % (shown["pause"], pressed))
        check(shown["live"].startswith("Crop-Relief Online: "), "live region: %r" % shown["live"])

        # Every state, caused for real.
        driver.get(home + "states.html")
        state = lambda name: card_state(driver, driver.find_element(By.ID, name))
        until("the state cards", lambda: all(state(n) not in (None, "loading") for n in ("breaching", "degraded", "missing", "hidden", "unreachable")))
        check(state("breaching") == "breaching", "a month under target: %r" % state("breaching"))
        check(state("degraded") == "degraded", "three days at twice the sustainable burn: %r" % state("degraded"))
        expect_figures(driver, driver.find_element(By.ID, "degraded"), origin, "benefits-portal", "7d", "last 7 days")
        check(state("missing") == "missing" and state("hidden") == "missing", "unknown and hidden ids: %r, %r" % (state("missing"), state("hidden")))
        hidden = card_text(driver, driver.find_element(By.ID, "hidden"))
        check("Unknown service" in hidden["status"] and "internal-batch" in hidden["note"] and "Nightly" not in json.dumps(hidden),
              "hidden service card: %r" % hidden)
        check(state("unreachable") == "unreachable", "API unreachable: %r" % state("unreachable"))
        check(state("loading") == "loading", "an API that never answers: %r" % state("loading"))
        busy = driver.execute_script("return document.getElementById('loading').shadowRoot.querySelector('[part=card]').getAttribute('aria-busy')")
        check(busy == "true", "loading card aria-busy %r" % busy)
        driver.save_screenshot(os.path.join(args.screenshots, "card-states.png"))

        # Screenshots: light, dark, Spanish, unknown (each checked against the JSON where it has figures).
        for name, dark in (("light", False), ("dark", True), ("es", False), ("unknown", False)):
            shot = browser(dark=dark)
            drivers.append(shot)
            shot.get(home + name + ".html")
            element = shot.find_element(By.ID, "card")
            until(name + " card", lambda: card_state(shot, element) not in (None, "loading"))
            if name in ("light", "dark"):
                expect_figures(shot, element, origin, "crop-relief", "24h", "last 24 hours")
            if name == "es":
                expect_figures(shot, element, origin, "crop-relief", "7d", "últimos 7 días", spanish=True)
                check(card_text(shot, element)["pause"] == "Pausar actualizaciones", "Spanish pause control")
            if name == "unknown":
                check(card_state(shot, element) == "missing", "unknown card state %r" % card_state(shot, element))
            if name == "dark":
                violations = axe_violations(shot)
                check(not violations, "axe on the dark card: %r" % violations)
                background = shot.execute_script(
                    "return getComputedStyle(arguments[0].shadowRoot.querySelector('[part=card]')).backgroundColor", element)
                check(background == "rgb(27, 29, 33)", "dark theme background %r" % background)
            element.screenshot(os.path.join(args.screenshots, "card-%s.png" % name))

        # Attributes are observed: a new period is fetched and shown.
        driver.get(home + "light.html")
        element = driver.find_element(By.ID, "card")
        until("light card", lambda: card_state(driver, element) not in (None, "loading"))
        driver.execute_script("arguments[0].setAttribute('period', '30d')", element)
        until("the 30-day figures", lambda: "Uptime (last 30 days)" in card_text(driver, element)["figures"])
        expect_figures(driver, element, origin, "crop-relief", "30d", "last 30 days")

        # Refreshes while on screen, not while off screen or paused. The page runs on Chromium's
        # virtual clock, advanced through DevTools: 70 virtual seconds pass without waiting.
        clock = browser()
        drivers.append(clock)
        clock.get(home + "refresh.html")
        fetched = lambda period: clock.execute_script(
            "return performance.getEntriesByType('resource').filter(e => e.name.includes('period=%s')).length" % period)
        until("both refresh cards", lambda: fetched("24h") >= 1 and fetched("7d") >= 1)
        check(fetched("24h") == 1 and fetched("7d") == 1, "one request per card at start: %d, %d" % (fetched("24h"), fetched("7d")))
        first = fetched("24h")

        def advance(milliseconds):
            start = clock.execute_script("return Date.now()")
            clock.execute_cdp_cmd("Emulation.setVirtualTimePolicy", {"policy": "pauseIfNetworkFetchesPending", "budget": milliseconds})
            until("%d virtual seconds" % (milliseconds // 1000), lambda: clock.execute_script("return Date.now()") >= start + milliseconds - 1000, 60)

        advance(70_000)
        check(fetched("24h") - first == 3, "the card on screen refreshed %d times in 70 s at refresh=20" % (fetched("24h") - first))
        check(fetched("7d") == 1, "the card off screen refreshed %d times" % (fetched("7d") - 1))
        clock.execute_script("document.getElementById('shown').shadowRoot.querySelector('[part=pause]').click()")
        paused = fetched("24h")
        advance(70_000)
        check(fetched("24h") == paused, "the paused card refreshed %d times" % (fetched("24h") - paused))
        clock.quit()
        drivers.remove(clock)

        # The dashboard: without JavaScript, its figures, the incident banner, the strip; axe; focus.
        plain = browser(javascript=False)
        drivers.append(plain)
        plain.get(origin + "/")
        text = plain.find_element(By.TAG_NAME, "body").text
        data = get_json(origin + "/public/v1/services/crop-relief/sla?period=24h")
        check("%.2f %%" % data["uptime_percent"] in text, "dashboard uptime %r not in page" % data["uptime_percent"])
        check("Security incidents reported" in text, "incident banner missing")
        check("Tax Filing Assistant" in text and "Nightly batch" not in text, "dashboard services")
        check("Breaching SLA" in text and "Degraded" in text, "the breaching and degraded services' status words")
        strip = plain.find_elements(By.CSS_SELECTOR, "svg.strip rect")
        check(len(strip) == 270, "three 90-day strips, %d bars" % len(strip))
        check("Governance checks" in text and "Agent runs" in text, "suite panel")
        banner = plain.execute_script("return getComputedStyle(document.querySelector('.incident')).borderTopColor")
        check(banner == "rgb(164, 22, 26)", "incident banner colour %r" % banner)
        plain.set_window_size(1000, 1900)
        plain.save_screenshot(os.path.join(args.screenshots, "dashboard.png"))
        driver.get(origin + "/")
        violations = axe_violations(driver)
        check(not violations, "axe on the dashboard: %r" % violations)
        dark_dashboard = browser(dark=True)
        drivers.append(dark_dashboard)
        dark_dashboard.get(origin + "/")
        violations = axe_violations(dark_dashboard)
        check(not violations, "axe on the dark dashboard: %r" % violations)
        dark_dashboard.set_window_size(1000, 1900)
        dark_dashboard.save_screenshot(os.path.join(args.screenshots, "dashboard-dark.png"))
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        outline = driver.execute_script("const s = getComputedStyle(document.activeElement); return [document.activeElement.tagName, s.outlineStyle, s.outlineWidth]")
        check(outline[0] == "A" and outline[1] != "none" and outline[2] != "0px", "dashboard link focus %r" % outline)
        badge = urllib.request.urlopen(origin + "/public/v1/services/tax-filing/badge.svg").read().decode()
        check("Breaching SLA" in badge, "badge of the breaching service")

        # Stale: the database stops answering (frozen: a stopped server would be restarted by
        # `up`'s supervisor); the snapshot is served with its age and the card says so.
        pids = glob.glob(os.path.join(work, "data", "**", "postmaster.pid"), recursive=True)
        check(pids, "no embedded PostgreSQL found under %s" % work)
        for pid_file in pids:
            with open(pid_file) as f:
                postmaster = int(f.readline())
            frozen += [postmaster] + children(postmaster)
        for pid in frozen:
            os.kill(pid, signal.SIGSTOP)
        until("a stale snapshot", lambda: get_json(origin + "/public/v1/services/crop-relief/sla?period=24h")["stale"], 90)
        driver.get(home + "light.html")
        element = driver.find_element(By.ID, "card")
        until("the stale card", lambda: card_state(driver, element) == "stale")
        stale = card_text(driver, element)
        check(re.search(r"\d+ minutes? old", stale["note"]) and stale["status"].endswith("Out of date"), "stale card %r" % stale)
        element.screenshot(os.path.join(args.screenshots, "card-stale.png"))
        plain.get(origin + "/?period=7d")  # not the address the browser may still hold in its cache
        check("may be out of date" in plain.find_element(By.TAG_NAME, "body").text, "the dashboard's stale banner")
        thaw(frozen)

        # Server stopped: the card says it cannot reach the figures.
        server.stop()
        driver.execute_script("arguments[0].setAttribute('period', '7d')", element)
        until("the unreachable card", lambda: card_state(driver, element) == "unreachable")
        element.screenshot(os.path.join(args.screenshots, "card-unreachable.png"))
    except Exception as error:  # report, then clean up
        FAILURES.append("%s: %s" % (type(error).__name__, error))
        print("ERROR:", error, flush=True)
        if os.path.exists(os.path.join(work, "serve.log")):
            print(open(os.path.join(work, "serve.log")).read()[-3000:])
    finally:
        thaw(frozen)  # a frozen database would hold the server's stop
        for driver in drivers:
            driver.quit()
        if site:
            site.shutdown()
        server.stop()
        hang.close()
        shutil.rmtree(work, ignore_errors=True)
    if FAILURES:
        print("%d browser check(s) failed" % len(FAILURES))
        return 1
    print("browser tests passed; screenshots in " + args.screenshots)
    return 0


if __name__ == "__main__":
    sys.exit(main())
