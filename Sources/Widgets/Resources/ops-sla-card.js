/* <ops-sla-card service="crop-relief" period="24h">: a service's promises, from hms-ops' public
   API. No dependencies, no build step, no inline styles. Attributes, states, parts and theming:
   docs/widget.md. */

// The server's address: the folder above /widgets/, so a server behind a path prefix works too.
const HOME = new URL("../", import.meta.url).href;

const WORDS = {
  en: {
    loading: "Loading…", operational: "Operational", degraded: "Degraded", breaching: "Breaching SLA",
    unknown: "No data yet", missing: "Unknown service", unreachable: "Unavailable", stale: "Out of date",
    missingNote: "No public service is called “%s”.", unreachableNote: "The service-level figures could not be loaded. Trying again.",
    staleNote: "These figures are %s old: the source is not updating.", minute: "1 minute", minutes: "%s minutes",
    uptime: "Uptime", latency: "Median latency", budget: "Error budget left", target: "target %s", below: "target below %s",
    overspent: "overspent", pause: "Pause updates", resume: "Resume updates", updated: "Updated ", card: "Service level",
    periods: { "24h": "last 24 hours", "7d": "last 7 days", "30d": "last 30 days", "90d": "last 90 days" },
  },
  es: {
    loading: "Cargando…", operational: "Operativo", degraded: "Degradado", breaching: "Incumple el SLA",
    unknown: "Aún sin datos", missing: "Servicio desconocido", unreachable: "No disponible", stale: "Desactualizado",
    missingNote: "No hay ningún servicio público llamado «%s».", unreachableNote: "No se pudieron cargar las cifras de nivel de servicio. Se reintentará.",
    staleNote: "Estas cifras tienen %s: la fuente no se está actualizando.", minute: "1 minuto", minutes: "%s minutos",
    uptime: "Disponibilidad", latency: "Latencia mediana", budget: "Presupuesto de error restante", target: "objetivo %s",
    below: "objetivo menos de %s", overspent: "agotado", pause: "Pausar actualizaciones", resume: "Reanudar actualizaciones",
    updated: "Actualizado ", card: "Nivel de servicio",
    periods: { "24h": "últimas 24 horas", "7d": "últimos 7 días", "30d": "últimos 30 días", "90d": "últimos 90 días" },
  },
};
const GLYPHS = { operational: "✓", degraded: "!", breaching: "✕", unknown: "?", missing: "?", unreachable: "!", stale: "!", loading: "…" };

const sheet = new CSSStyleSheet();
sheet.replaceSync(`
:host{--bg:var(--ops-card-bg,#fff);--fg:var(--ops-card-fg,#1b1b1b);--muted:var(--ops-card-muted,#4a4a4a);
--border:var(--ops-card-border,#8a8a8a);--focus:var(--ops-card-focus,#1a5fb4);
--ok:#0b6b2e;--ok-bg:#e6f4ea;--warn:#7a4b00;--warn-bg:#fff4d6;--bad:#a4161a;--bad-bg:#fde8e8;--none:#3d3d3d;--none-bg:#ececec;
display:block;max-width:24rem;font:var(--ops-card-font,15px/1.45 system-ui,sans-serif);color-scheme:light}
@media (prefers-color-scheme:dark){:host(:not([theme=light])){--bg:var(--ops-card-bg,#1b1d21);--fg:var(--ops-card-fg,#f1f1f1);
--muted:var(--ops-card-muted,#c8c8c8);--border:var(--ops-card-border,#6b6f76);--focus:var(--ops-card-focus,#8ab8ff);
--ok:#8fe0a8;--ok-bg:#173222;--warn:#ffd27a;--warn-bg:#3a2c0c;--bad:#ffb3b3;--bad-bg:#3d1416;--none:#ddd;--none-bg:#2e3136;color-scheme:dark}}
:host([theme=dark]){--bg:var(--ops-card-bg,#1b1d21);--fg:var(--ops-card-fg,#f1f1f1);--muted:var(--ops-card-muted,#c8c8c8);
--border:var(--ops-card-border,#6b6f76);--focus:var(--ops-card-focus,#8ab8ff);--ok:#8fe0a8;--ok-bg:#173222;--warn:#ffd27a;
--warn-bg:#3a2c0c;--bad:#ffb3b3;--bad-bg:#3d1416;--none:#ddd;--none-bg:#2e3136;color-scheme:dark}
[part=card]{background:var(--bg);color:var(--fg);border:1px solid var(--border);border-radius:var(--ops-card-radius,8px);padding:1rem}
[part=title]{font-weight:600;font-size:1.1em;margin:0 0 .5rem}
[part=status]{display:inline-block;font-weight:600;padding:.1rem .5rem;border-radius:1rem;color:var(--none);background:var(--none-bg)}
.operational [part=status]{color:var(--ok);background:var(--ok-bg)}
.degraded [part=status],.unreachable [part=status],.stale [part=status]{color:var(--warn);background:var(--warn-bg)}
.breaching [part=status]{color:var(--bad);background:var(--bad-bg)}
dl{margin:.75rem 0 0}dl div{display:flex;flex-wrap:wrap;gap:0 .5rem;margin:.25rem 0}dt{flex:1 1 9rem;color:var(--muted)}
dd{margin:0;text-align:end}[part=value]{font-weight:600}[part=target],[part=note],[part=footer]{color:var(--muted)}
[part=target]{display:block;font-size:.9em}[part=note]{margin:.5rem 0 0}[hidden]{display:none}
[part=footer]{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:.5rem;margin-top:.75rem;font-size:.9em}
button{font:inherit;color:var(--fg);background:var(--bg);border:1px solid var(--border);border-radius:4px;padding:.15rem .6rem;cursor:pointer}
button:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}`);

/** An element with attributes and children (text or elements); never HTML parsing. */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

const fill = (text, value) => text.replace("%s", value);

class OpsSlaCard extends HTMLElement {
  static observedAttributes = ["service", "period", "api", "lang", "refresh"];

  #parts; #timer = 0; #request = null; #visible = false; #paused = false; #spoken = ""; #last = null; #state = "loading"; #started = false;

  constructor() {
    super();
    const root = this.attachShadow({ mode: "open" });
    root.adoptedStyleSheets = [sheet];
    const p = (this.#parts = {
      title: el("p", { part: "title", id: "title" }),
      status: el("span", { part: "status" }),
      figures: el("dl", { part: "figures" }),
      note: el("p", { part: "note", hidden: "" }),
      updated: el("span"),
      pause: el("button", { part: "pause", type: "button", "aria-pressed": "false" }),
      live: el("p", { class: "sr", "aria-live": "polite" }),
    });
    p.card = el("div", { part: "card", role: "group", "aria-labelledby": "title" },
      p.title, p.status, p.figures, p.note, el("div", { part: "footer" }, p.updated, p.pause), p.live);
    root.append(p.card);
    p.pause.addEventListener("click", () => {
      this.#paused = !this.#paused;
      this.#schedule(this.#paused ? -1 : 0);
      this.#render();
    });
    this.#watch = new IntersectionObserver((entries) => {
      this.#visible = entries.some((entry) => entry.isIntersecting);
      this.#schedule(0);
    });
    this.#onVisibility = () => this.#schedule(0);
  }

  #watch; #onVisibility;

  connectedCallback() {
    this.#started = true;
    this.#watch.observe(this);
    document.addEventListener("visibilitychange", this.#onVisibility);
    this.#load();
  }

  disconnectedCallback() {
    this.#started = false;
    this.#watch.disconnect();
    document.removeEventListener("visibilitychange", this.#onVisibility);
    this.#schedule(-1);
    this.#request?.abort();
  }

  attributeChangedCallback(name, before, after) {
    // Attributes present at upgrade arrive before connectedCallback, which loads once for all.
    if (before === after || !this.#started || !this.isConnected) return;
    if (name === "lang") return this.#render();
    if (name !== "refresh") { this.#last = null; this.#state = "loading"; }
    this.#load();
  }

  get #words() {
    const lang = (this.closest("[lang]")?.getAttribute("lang") || document.documentElement.lang || navigator.language || "en");
    return lang.toLowerCase().startsWith("es") ? WORDS.es : WORDS.en;
  }

  get #period() { return this.getAttribute("period") || "24h"; }

  /** Fetches the figures now, then every `refresh` seconds while the card is on screen and not paused. */
  async #load() {
    this.#schedule(-1);
    this.#request?.abort();
    const request = (this.#request = new AbortController());
    const service = this.getAttribute("service") || "";
    const url = new URL(`public/v1/services/${encodeURIComponent(service)}/sla`, new URL(this.getAttribute("api") || HOME, location.href));
    url.searchParams.set("period", this.#period);
    this.#render();
    try {
      // Revalidated each time (a 304 when unchanged): a refresh never shows an older answer than the server has.
      const response = await fetch(url, { signal: request.signal, headers: { accept: "application/json" }, credentials: "omit", cache: "no-cache" });
      if (response.status === 404) { this.#state = "missing"; this.#last = null; }
      else if (!response.ok) throw new Error(`HTTP ${response.status}`);
      else { this.#last = await response.json(); this.#state = this.#last.status || "unknown"; }
    } catch (error) {
      if (request.signal.aborted) return;
      this.#state = "unreachable";
    }
    this.#render();
    this.#schedule(0);
  }

  /** Plans the next refresh: now+interval (0), or none (-1); none while hidden or paused. */
  #schedule(mode) {
    clearTimeout(this.#timer);
    this.#timer = 0;
    if (mode < 0 || this.#paused || !this.#visible || document.hidden || !this.isConnected) return;
    const seconds = Math.max(15, Number(this.getAttribute("refresh")) || 60);
    this.#timer = setTimeout(() => this.#load(), seconds * 1000);
  }

  #render() {
    const w = this.#words, p = this.#parts, data = this.#last, state = this.#state;
    const lang = w === WORDS.es ? "es" : "en";
    const shown = data?.stale && state !== "unreachable" ? "stale" : state;
    this.setAttribute("state", shown);
    p.card.className = shown;
    p.card.setAttribute("aria-busy", String(state === "loading"));
    p.card.setAttribute("lang", lang);
    const name = data?.service?.name || this.getAttribute("service") || w.card;
    p.title.textContent = name;
    const word = w[shown] || w.unknown;
    p.status.replaceChildren(el("span", { "aria-hidden": "true" }, `${GLYPHS[shown] || "?"} `), word);
    const number = (value, digits) => new Intl.NumberFormat(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
    const period = w.periods[this.#period] || this.#month(lang);
    const rows = [];
    if (data) {
      const targets = data.targets || {};
      if (data.uptime_percent != null)
        rows.push([`${w.uptime} (${period})`, `${number(data.uptime_percent, 2)} %`, targets.uptime_percent && fill(w.target, `${new Intl.NumberFormat(lang, { maximumFractionDigits: 4 }).format(Number(targets.uptime_percent))} %`)]);
      if (data.latency_ms?.p50 != null)
        rows.push([w.latency, `${number(Math.ceil(data.latency_ms.p50), 0)} ms`, targets.latency_ms && fill(w.below, `${number(targets.latency_ms.below, 0)} ms`)]);
      const budgets = (data.slos || []).map((slo) => slo.error_budget_remaining_ratio).filter((ratio) => ratio != null);
      if (budgets.length) {
        const left = Math.min(...budgets);
        rows.push([w.budget, left < 0 ? w.overspent : `${number(Math.floor(left * 1000) / 10, 1)} %`]);
      }
    }
    p.figures.replaceChildren(...rows.map(([label, value, target]) =>
      el("div", {}, el("dt", {}, label), el("dd", {}, el("span", { part: "value" }, value), ...(target ? [el("span", { part: "target" }, target)] : [])))));
    const note = state === "missing" ? fill(w.missingNote, this.getAttribute("service") || "")
      : state === "unreachable" ? w.unreachableNote
      : data?.stale ? fill(w.staleNote, ((m) => m === 1 ? w.minute : fill(w.minutes, m))(Math.max(1, Math.round((data.age_seconds || 0) / 60)))) : "";
    p.note.textContent = note;
    p.note.hidden = !note;
    const at = data?.generated_at;
    p.updated.replaceChildren(...(at ? [w.updated, el("time", { datetime: at }, new Date(at).toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" }))] : []));
    p.pause.textContent = this.#paused ? w.resume : w.pause;
    p.pause.setAttribute("aria-pressed", String(this.#paused));
    // Said once when the status changes, not at every refresh.
    const spoken = state === "loading" ? this.#spoken : `${name}: ${word}${note ? `. ${note}` : ""}`;
    if (spoken !== this.#spoken) p.live.textContent = this.#spoken = spoken;
  }

  #month(lang) {
    const [year, month] = this.#period.split("-").map(Number);
    if (!year || !month) return this.#period;
    return new Intl.DateTimeFormat(lang, { month: "long", year: "numeric", timeZone: "UTC" }).format(Date.UTC(year, month - 1, 15));
  }
}

if (!customElements.get("ops-sla-card")) customElements.define("ops-sla-card", OpsSlaCard);
