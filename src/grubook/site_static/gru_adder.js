// The proved adder, live: the forward pass of the network in
// proved_adder.json (the certificate chapter 7 exports), run in the page.
//
// Dependency-free ES module. The network's weights are float32 numbers
// (written in the JSON so that each parses to its float32 value exactly);
// the forward pass evaluates them in float64 (JavaScript numbers, Math.exp
// and Math.tanh), which is well inside the per-step error the certificate
// allows (tests/js/ measures it against a high-precision trace).
//
// The book's conventions (grubook.reference, grubook.analysis.run_adder):
// row vectors, gate blocks z, r, h in the columns of kernel (2, 3H),
// recurrent_kernel (H, 3H) and bias (3H);
//   z = σ(x K_z + h U_z + b_z),  r = σ(x K_r + h U_r + b_r),
//   h̃ = tanh(x K_h + (r ∘ h) U_h + b_h),  h_new = (1 − z) ∘ h + z ∘ h̃,
// h starts at 0; after each step's update the sum bit is 1 iff
// readout_kernel · h + readout_bias > 0. The operands are read least
// significant bit first, one pair (a_t, b_t) per step, plus one step (0, 0)
// for the carry-out.
//
// Exports the pure functions (parseOperand, encodePair, fromBits,
// loadNetwork, step, run) for node --test, and mount() for the page. On
// import in a browser, every element with a data-gru-adder attribute gets
// the widget.

export const MAX_DIGITS = 20000;
export const FORMAT = "grubook-certificate/1";
export const NETWORK_FILE = "proved_adder.json";

/** An operand the page refuses, with the message the reader sees. */
export class InputError extends Error {
  constructor(message) {
    super(message);
    this.name = "InputError";
  }
}

/**
 * The non-negative integer written in decimal in `text`, as a BigInt.
 * Spaces around the number are ignored; anything else that is not a digit
 * 0-9 (a sign, a point, an exponent, a space inside) is refused with an
 * InputError naming `name`, as is a number of more than `maxDigits` digits.
 */
export function parseOperand(text, name = "the number", maxDigits = MAX_DIGITS) {
  if (typeof text !== "string") {
    throw new InputError(`${name}: expected text, got ${typeof text}.`);
  }
  const s = text.trim();
  if (s === "") {
    throw new InputError(`${name} is empty: type a whole number such as 12345.`);
  }
  if (s.length > maxDigits) {
    throw new InputError(
      `${name} has ${s.length.toLocaleString("en")} characters: this page adds numbers of ` +
        `at most ${maxDigits.toLocaleString("en")} digits.`,
    );
  }
  if (/^[0-9]+$/.test(s)) return BigInt(s);
  if (/^-\s*[0-9]/.test(s)) {
    throw new InputError(`${name} is negative: the adder adds whole numbers ≥ 0 only.`);
  }
  if (/^\+?[0-9]*\.?[0-9]*[eE][+-]?[0-9]+$/.test(s) && /[0-9]/.test(s.split(/[eE]/)[0])) {
    throw new InputError(`${name} has an exponent: write out all of its digits (no "e").`);
  }
  if (/\s/.test(s)) {
    throw new InputError(`${name} has a space inside: write its digits without spaces.`);
  }
  const bad = [...s].find((c) => !/[0-9]/.test(c));
  throw new InputError(
    `${name} contains "${bad}": only the digits 0 to 9 are allowed (no sign, point or separator).`,
  );
}

/** The bits of the BigInt `n` ≥ 0, least significant first: Uint8Array (width). */
export function toBits(n, width) {
  const text = n.toString(2);
  if (text.length > width) throw new RangeError(`${n} needs more than ${width} bits`);
  const bits = new Uint8Array(width);
  for (let i = 0; i < text.length; i++) bits[i] = text.charCodeAt(text.length - 1 - i) - 48;
  return bits;
}

/** The BigInt whose bits, least significant first, are `bits`. */
export function fromBits(bits) {
  let text = "";
  for (let i = bits.length - 1; i >= 0; i--) text += bits[i] ? "1" : "0";
  return text === "" ? 0n : BigInt("0b" + text);
}

/**
 * The input sequence for a + b (BigInts ≥ 0): {a, b} Uint8Array (T) each,
 * with T = (width of the wider operand, at least 1) + 1 for the carry-out
 * step (0, 0), as grubook.data.encode_pair.
 */
export function encodePair(a, b) {
  if (typeof a !== "bigint" || typeof b !== "bigint" || a < 0n || b < 0n) {
    throw new TypeError("a and b must be BigInts ≥ 0");
  }
  const width = Math.max(a.toString(2).length, b.toString(2).length, 1);
  const bitsA = new Uint8Array(width + 1);
  const bitsB = new Uint8Array(width + 1);
  bitsA.set(toBits(a, width));
  bitsB.set(toBits(b, width));
  return { a: bitsA, b: bitsB };
}

function numbers(value, length, what) {
  const flat = Array.isArray(value) ? value.flat(Infinity) : null;
  if (!flat || flat.length !== length || !flat.every((v) => typeof v === "number" && Number.isFinite(v))) {
    throw new Error(`${NETWORK_FILE}: ${what} must hold ${length} finite numbers`);
  }
  return Float64Array.from(flat);
}

/**
 * The network of a parsed proved_adder.json document:
 * {units, kernel (2·3H), recurrent (H·3H), bias (3H), readout (H), readoutBias,
 * doc}, row-major Float64Arrays. Throws on a document of another format.
 */
export function loadNetwork(doc) {
  if (!doc || doc.format !== FORMAT) {
    throw new Error(`${NETWORK_FILE}: format must be "${FORMAT}", got ${JSON.stringify(doc && doc.format)}`);
  }
  const H = doc.units;
  if (!Number.isInteger(H) || H < 1) throw new Error(`${NETWORK_FILE}: units must be a positive integer`);
  const readoutBias = doc.readout_bias;
  if (typeof readoutBias !== "number" || !Number.isFinite(readoutBias)) {
    throw new Error(`${NETWORK_FILE}: readout_bias must be a finite number`);
  }
  return {
    units: H,
    kernel: numbers(doc.kernel, 2 * 3 * H, "kernel (2 × 3H)"),
    recurrent: numbers(doc.recurrent_kernel, H * 3 * H, "recurrent_kernel (H × 3H)"),
    bias: numbers(doc.bias, 3 * H, "bias (3H)"),
    readout: numbers(doc.readout_kernel, H, "readout_kernel (H)"),
    readoutBias,
    doc,
  };
}

function sigmoid(a) {
  return 1 / (1 + Math.exp(-a));
}

/**
 * One GRU step in float64: the new state from `h` (Float64Array H) and the
 * input pair (xa, xb), written into `out` (Float64Array H; may not be `h`).
 * If `gates` is given ({z, r} Float64Array H), the gates are written there.
 * Returns `out`.
 */
export function step(net, h, xa, xb, out, gates = null) {
  const H = net.units;
  const H3 = 3 * H;
  const K = net.kernel;
  const U = net.recurrent;
  const pre = new Float64Array(H3);
  for (let j = 0; j < H3; j++) pre[j] = xa * K[j] + xb * K[H3 + j] + net.bias[j];
  const z = gates ? gates.z : new Float64Array(H);
  const r = gates ? gates.r : new Float64Array(H);
  for (let j = 0; j < 2 * H; j++) {
    let s = 0;
    for (let i = 0; i < H; i++) s += h[i] * U[i * H3 + j];
    const g = sigmoid(pre[j] + s);
    if (j < H) z[j] = g;
    else r[j - H] = g;
  }
  for (let j = 0; j < H; j++) {
    let s = 0;
    for (let i = 0; i < H; i++) s += r[i] * h[i] * U[i * H3 + 2 * H + j];
    const candidate = Math.tanh(pre[2 * H + j] + s);
    out[j] = (1 - z[j]) * h[j] + z[j] * candidate;
  }
  return out;
}

/** The readout logit of the state `h`: readout_kernel · h + readout_bias. */
export function logit(net, h) {
  let s = 0;
  for (let i = 0; i < net.units; i++) s += net.readout[i] * h[i];
  return s + net.readoutBias;
}

/**
 * The GRU's sum of the BigInts a and b: {sum (BigInt), bits (Uint8Array T),
 * logits (Float64Array T), x ({a, b} bits, T each), steps T, and, with
 * trace = true, z, r, h: Float32Array (T·H), step-major}.
 */
export function run(net, a, b, { trace = false } = {}) {
  const x = encodePair(a, b);
  const T = x.a.length;
  const H = net.units;
  const bits = new Uint8Array(T);
  const logits = new Float64Array(T);
  const traces = trace
    ? { z: new Float32Array(T * H), r: new Float32Array(T * H), h: new Float32Array(T * H) }
    : null;
  const gates = { z: new Float64Array(H), r: new Float64Array(H) };
  let h = new Float64Array(H);
  let next = new Float64Array(H);
  for (let t = 0; t < T; t++) {
    step(net, h, x.a[t], x.b[t], next, gates);
    [h, next] = [next, h];
    logits[t] = logit(net, h);
    bits[t] = logits[t] > 0 ? 1 : 0;
    if (traces) {
      traces.z.set(gates.z, t * H);
      traces.r.set(gates.r, t * H);
      traces.h.set(h, t * H);
    }
  }
  return { sum: fromBits(bits), bits, logits, x, steps: T, ...(traces || {}) };
}

// ---------------------------------------------------------------- the page

const CIVIDIS = [
  [0, 32, 77], [0, 52, 110], [57, 72, 108], [87, 93, 109], [112, 113, 115],
  [138, 134, 120], [166, 156, 117], [196, 179, 106], [227, 205, 86], [255, 234, 70],
];

/** The cividis colour of `v` in [0, 1] (as matplotlib's, interpolated). */
export function cividis(v) {
  const t = Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)) * (CIVIDIS.length - 1);
  const i = Math.min(CIVIDIS.length - 2, Math.floor(t));
  const f = t - i;
  const c = CIVIDIS[i].map((lo, k) => Math.round(lo + f * (CIVIDIS[i + 1][k] - lo)));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

const PRESET_BITS = 64;
const RANDOM_BITS = 1000;

function randomBits(n) {
  const words = new Uint32Array(Math.ceil(n / 32));
  crypto.getRandomValues(words);
  let value = 0n;
  for (const w of words) value = (value << 32n) | BigInt(w);
  value &= (1n << BigInt(n)) - 1n;
  return value | (1n << BigInt(n - 1)); // exactly n bits
}

export const PRESETS = [
  { id: "chain", label: "Carry chain: (2ⁿ − 1) + 1", make: (n) => [(1n << BigInt(n)) - 1n, 1n] },
  { id: "mirror", label: "Its mirror: 1 + (2ⁿ − 1)", make: (n) => [1n, (1n << BigInt(n)) - 1n] },
  { id: "hold", label: "Long hold: (2ⁿ − 1) + 0", make: (n) => [(1n << BigInt(n)) - 1n, 0n] },
  { id: "random", label: "Random 1,000-bit numbers", make: () => [randomBits(RANDOM_BITS), randomBits(RANDOM_BITS)] },
];

function element(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

const fmt = (n) => n.toLocaleString("en");

function build(root) {
  const ids = (name) => `gru-${name}`;
  const inputA = element("input", {
    id: ids("a"), name: "a", type: "text", inputmode: "numeric", autocomplete: "off",
    spellcheck: "false", placeholder: "e.g. 12345", "aria-describedby": ids("limit"),
  });
  const inputB = element("input", {
    id: ids("b"), name: "b", type: "text", inputmode: "numeric", autocomplete: "off",
    spellcheck: "false", placeholder: "e.g. 678", "aria-describedby": ids("limit"),
  });
  const add = element("button", { id: ids("add"), type: "submit", class: "gru-button", text: "Add" });
  const form = element("form", { class: "gru-form", novalidate: "" }, [
    element("div", { class: "gru-field" }, [element("label", { for: ids("a"), text: "First number, a" }), inputA]),
    element("span", { class: "gru-plus", "aria-hidden": "true", text: "+" }),
    element("div", { class: "gru-field" }, [element("label", { for: ids("b"), text: "Second number, b" }), inputB]),
    add,
  ]);
  const limit = element("p", {
    id: ids("limit"), class: "gru-note",
    text: `Whole numbers ≥ 0 in decimal, at most ${fmt(MAX_DIGITS)} digits each. Press Enter or Add.`,
  });
  const size = element("select", { id: ids("n"), class: "gru-select" },
    [16, 64, 1000, 10000].map((n) => {
      const option = element("option", { value: String(n), text: `n = ${fmt(n)}` });
      if (n === PRESET_BITS) option.selected = true;
      return option;
    }));
  const presets = element("div", { class: "gru-presets", role: "group", "aria-label": "Examples to try" }, [
    element("label", { for: ids("n"), class: "gru-note", text: "Examples, with" }), size,
    ...PRESETS.map((p) => element("button", { type: "button", class: "gru-button gru-preset", "data-preset": p.id, text: p.label })),
  ]);
  const error = element("p", { id: ids("error"), class: "gru-error", role: "alert", hidden: "" });
  const status = element("p", { id: ids("status"), class: "gru-status", "aria-live": "polite", "aria-atomic": "true" });
  const sum = element("output", { id: ids("sum"), class: "gru-sum", for: `${ids("a")} ${ids("b")}` });
  const result = element("div", { class: "gru-result", hidden: "" }, [
    element("p", { class: "gru-sum-line" }, [element("span", { class: "gru-sum-label", text: "The GRU's sum: " }), sum]),
  ]);
  const canvas = element("canvas", {
    class: "gru-canvas", tabindex: "0", role: "img",
    "aria-label": "Heatmap of the update gate z, the reset gate r and the state h of every unit over the steps; use the arrow keys to read single values",
  });
  const scroll = element("input", { id: ids("scroll"), type: "range", min: "0", max: "0", value: "0", class: "gru-scroll" });
  const scrollLabel = element("label", { for: ids("scroll"), class: "gru-note", text: "First step shown" });
  const cell = element("p", { id: ids("cell"), class: "gru-cell", "aria-live": "polite", text: "Point at (or focus and use the arrow keys on) the heatmap to read a value." });
  const legend = element("p", { class: "gru-legend gru-note" }, [
    element("span", { class: "gru-ramp", "aria-hidden": "true" }),
    " dark = 0, light = 1 for the bits and the gates z and r; dark = −1, light = 1 for the state h. " +
      "Columns are steps: step t reads bit t of a and b (least significant first) and writes bit t of the sum.",
  ]);
  const heat = element("figure", { class: "gru-heat", hidden: "" }, [
    canvas,
    element("div", { class: "gru-scroll-row" }, [scrollLabel, scroll]),
    cell, legend,
  ]);
  root.replaceChildren(form, limit, presets, error, status, result, heat);
  return { root, form, inputA, inputB, add, size, presets, error, status, sum, result, heat, canvas, scroll, scrollRow: scroll.parentElement, cell };
}

const ROW_H = 7; // a gate or state row
const BIT_H = 11; // a bit row (a, b, the sum), tall enough for its label
const COL_W = 9;
const LABEL_W = 40;

class Heatmap {
  constructor(ui) {
    this.ui = ui;
    this.data = null;
    this.first = 0;
    this.focus = { step: 0, row: 0 };
    ui.canvas.addEventListener("mousemove", (e) => this.hover(e));
    ui.canvas.addEventListener("keydown", (e) => this.key(e));
    ui.canvas.addEventListener("focus", () => { this.focused = true; this.draw(); this.say(this.focus); });
    ui.canvas.addEventListener("blur", () => { this.focused = false; this.draw(); });
    ui.scroll.addEventListener("input", () => { this.first = Number(ui.scroll.value); this.draw(); });
    if (typeof ResizeObserver !== "undefined") new ResizeObserver(() => this.draw()).observe(ui.heat);
    new MutationObserver(() => this.draw()).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme", "class"] });
  }

  rows() {
    const H = this.data.units;
    const rows = [{ name: "a", bit: "a" }, { name: "b", bit: "b" }];
    for (const g of ["z", "r", "h"]) for (let u = 0; u < H; u++) rows.push({ name: g, unit: u });
    rows.push({ name: "sum", bit: "sum" });
    return rows;
  }

  show(result, units) {
    this.data = { ...result, units };
    this.first = 0;
    this.focus = { step: 0, row: 0 };
    this.ui.heat.hidden = false;
    this.draw();
  }

  visible() {
    const width = this.ui.heat.clientWidth || 600;
    return Math.max(4, Math.floor((width - LABEL_W) / COL_W));
  }

  value(row, t) {
    const d = this.data;
    if (row.bit === "a") return d.x.a[t];
    if (row.bit === "b") return d.x.b[t];
    if (row.bit === "sum") return d.bits[t];
    return d[row.name][t * d.units + row.unit];
  }

  draw() {
    if (!this.data) return;
    const { canvas, scroll, scrollRow } = this.ui;
    const rows = this.rows();
    const n = this.visible();
    const T = this.data.steps;
    const maxFirst = Math.max(0, T - n);
    this.first = Math.min(Math.max(0, this.first), maxFirst);
    scroll.max = String(maxFirst);
    scroll.value = String(this.first);
    scrollRow.hidden = maxFirst === 0;
    const shown = Math.min(n, T);
    const gaps = 4 * 4; // space between row groups
    const height = (row) => (row.bit ? BIT_H : ROW_H);
    const cssW = LABEL_W + shown * COL_W;
    const cssH = rows.reduce((sum, row) => sum + height(row), 0) + gaps + 16;
    const dpr = window.devicePixelRatio || 1;
    canvas.style.width = `${cssW}px`;
    canvas.style.height = `${cssH}px`;
    canvas.width = Math.round(cssW * dpr);
    canvas.height = Math.round(cssH * dpr);
    const ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, cssW, cssH);
    const style = getComputedStyle(canvas);
    const ink = style.color || "#000";
    ctx.font = `10px ${style.fontFamily || "sans-serif"}`;
    ctx.textBaseline = "middle";
    ctx.fillStyle = ink;
    this.layout = [];
    let y = 0;
    let group = null;
    for (const row of rows) {
      const g = row.bit || row.name;
      const h = height(row);
      if (group !== null && g !== group) y += 4;
      if (g !== group) {
        ctx.fillStyle = ink;
        const label = row.bit === "sum" ? "sum" : g;
        ctx.fillText(label, 2, y + (row.bit ? h : this.data.units * h) / 2);
      }
      group = g;
      this.layout.push({ row, y, h });
      for (let k = 0; k < shown; k++) {
        const t = this.first + k;
        let v = this.value(row, t);
        if (row.name === "h") v = (v + 1) / 2;
        ctx.fillStyle = cividis(v);
        ctx.fillRect(LABEL_W + k * COL_W, y, COL_W - 1, h - 1);
      }
      y += h;
    }
    ctx.fillStyle = ink;
    ctx.textBaseline = "top";
    const every = 10;
    for (let k = 0; k < shown; k++) {
      const t = this.first + k;
      const label = String(t);
      const fits = LABEL_W + k * COL_W + ctx.measureText(label).width <= cssW;
      if (t % every === 0 && fits) ctx.fillText(label, LABEL_W + k * COL_W, y + 3);
    }
    ctx.fillText("step", 2, y + 3);
    if (this.focused) {
      const f = this.focus;
      const k = f.step - this.first;
      const { y: cellY, h } = this.layout[f.row];
      ctx.strokeStyle = ink;
      ctx.lineWidth = 2;
      ctx.strokeRect(LABEL_W + k * COL_W - 1, cellY - 1, COL_W + 1, h + 1);
    }
  }

  at(event) {
    const box = this.ui.canvas.getBoundingClientRect();
    const x = event.clientX - box.left;
    const y = event.clientY - box.top;
    if (!this.layout || x < LABEL_W) return null;
    const step = this.first + Math.floor((x - LABEL_W) / COL_W);
    const row = this.layout.findIndex((l) => y >= l.y && y < l.y + l.h);
    if (row < 0 || step >= this.data.steps) return null;
    return { step, row };
  }

  hover(event) {
    const where = this.at(event);
    if (where) this.say(where);
  }

  say({ step, row }) {
    if (!this.data) return;
    const r = this.rows()[row];
    const d = this.data;
    const bits = `a bit ${d.x.a[step]}, b bit ${d.x.b[step]}, sum bit ${d.bits[step]}`;
    const what = r.bit
      ? `${r.bit === "sum" ? "the GRU's sum" : r.bit} bit = ${this.value(r, step)}`
      : `${r.name} of unit ${r.unit + 1} = ${this.value(r, step).toFixed(4)}`;
    const last = step === d.steps - 1 ? " (the carry-out step)" : "";
    this.ui.cell.textContent = `Step ${step}${last}: ${what} (${bits}).`;
  }

  key(event) {
    if (!this.data) return;
    const f = this.focus;
    const moves = {
      ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1],
      PageUp: [-this.visible(), 0], PageDown: [this.visible(), 0],
      Home: [-f.step, 0], End: [this.data.steps, 0],
    };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    f.step = Math.min(this.data.steps - 1, Math.max(0, f.step + move[0]));
    f.row = Math.min(this.rows().length - 1, Math.max(0, f.row + move[1]));
    const n = this.visible();
    if (f.step < this.first) this.first = f.step;
    if (f.step >= this.first + n) this.first = f.step - n + 1;
    this.draw();
    this.say(f);
  }
}

/**
 * The widget in `root`: loads the network from `url` (default: the
 * proved_adder.json beside this module, on the same site) and wires the
 * form. Returns a promise of the UI once the network is loaded.
 */
export async function mount(root, url = new URL(NETWORK_FILE, import.meta.url)) {
  const ui = build(root);
  const heatmap = new Heatmap(ui);
  root.dataset.state = "loading";
  ui.add.disabled = true;
  let net;
  const showError = (message, input = null) => {
    ui.result.hidden = true;
    ui.heat.hidden = true;
    ui.sum.textContent = "";
    ui.status.textContent = "";
    ui.error.textContent = message;
    ui.error.hidden = false;
    for (const i of [ui.inputA, ui.inputB]) i.removeAttribute("aria-invalid");
    if (input) input.setAttribute("aria-invalid", "true");
  };
  const compute = () => {
    let a, b;
    try {
      a = parseOperand(ui.inputA.value, "The first number, a");
    } catch (e) {
      if (e instanceof InputError) return showError(e.message, ui.inputA);
      throw e;
    }
    try {
      b = parseOperand(ui.inputB.value, "The second number, b");
    } catch (e) {
      if (e instanceof InputError) return showError(e.message, ui.inputB);
      throw e;
    }
    const result = run(net, a, b, { trace: true });
    const exact = result.sum === a + b;
    const digits = result.sum.toString();
    ui.error.hidden = true;
    ui.error.textContent = "";
    for (const i of [ui.inputA, ui.inputB]) i.removeAttribute("aria-invalid");
    ui.sum.textContent = digits;
    ui.result.hidden = false;
    ui.result.dataset.exact = String(exact);
    ui.status.textContent =
      `The GRU read ${fmt(result.steps)} steps and wrote a sum of ${fmt(digits.length)} ` +
      `digit${digits.length === 1 ? "" : "s"}: ` +
      (exact ? "it equals a + b exactly." : "it differs from a + b (computed exactly with BigInt).");
    ui.status.dataset.exact = String(exact);
    heatmap.show(result, net.units);
    return result;
  };
  ui.form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (net) compute();
  });
  ui.presets.addEventListener("click", (event) => {
    const button = event.target.closest("[data-preset]");
    if (!button || !net) return;
    const preset = PRESETS.find((p) => p.id === button.dataset.preset);
    const [a, b] = preset.make(Number(ui.size.value));
    ui.inputA.value = a.toString();
    ui.inputB.value = b.toString();
    compute();
  });
  try {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${NETWORK_FILE} answered ${response.status}`);
    net = loadNetwork(await response.json());
  } catch (e) {
    root.dataset.state = "failed";
    showError(`The network could not be loaded (${e.message}); the adder is unavailable.`);
    return ui;
  }
  const proof = (root.closest("[data-gru-adder]") || root).querySelector(".gru-proof-numbers");
  if (proof) {
    const doc = net.doc;
    proof.textContent =
      `(This network: ${doc.units} units, trained from seed ${doc.seed}. The proof allows ` +
      `every step an error of ${doc.step_error.toExponential(1)} in each unit; its smallest ` +
      `readout margin is ${doc.margin.toPrecision(3)}.)`;
  }
  ui.add.disabled = false;
  root.dataset.state = "ready";
  ui.compute = compute;
  return ui;
}

if (typeof document !== "undefined") {
  const start = () => {
    for (const root of document.querySelectorAll("[data-gru-adder]")) {
      const app = root.querySelector(".gru-app") || root;
      mount(app);
    }
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
}
