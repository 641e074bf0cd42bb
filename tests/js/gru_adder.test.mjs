// The live adder's JavaScript against golden files written by Python
// (python -m grubook.golden), as TensorFlow.js's own tests do it.
//
// Run: node --test tests/js/   (make test writes _build/golden.json first;
// GRUBOOK_GOLDEN and GRUBOOK_NETWORK point elsewhere). The golden file and
// the network must both exist: a missing file is a failure, not a skip.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import {
  InputError, MAX_DIGITS, encodePair, fromBits, loadNetwork, logit, parseOperand, run, step, toBits,
} from "../../src/grubook/site_static/gru_adder.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const GOLDEN = process.env.GRUBOOK_GOLDEN || resolve(ROOT, "_build", "golden.json");
const NETWORK = process.env.GRUBOOK_NETWORK || resolve(ROOT, "book", "data", "proved_adder.json");

function readJson(path, hint) {
  assert.ok(existsSync(path), `${path} is missing: ${hint}`);
  return readFileSync(path);
}

const networkBytes = readJson(NETWORK, "chapter 7's export writes book/data/proved_adder.json");
const golden = JSON.parse(readJson(GOLDEN, "run python -m grubook.golden --out _build/golden.json (make test does)"));
const net = loadNetwork(JSON.parse(networkBytes));

/** The spacing of float64 numbers just above |y| (y finite, non-zero). */
function ulp(y) {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(y));
  view.setBigUint64(0, view.getBigUint64(0) + 1n);
  return view.getFloat64(0) - Math.abs(y);
}

test("the golden file was written from this network", () => {
  const digest = createHash("sha256").update(networkBytes).digest("hex");
  assert.equal(golden.network_sha256, digest, "golden.json is stale: run python -m grubook.golden again");
  assert.equal(net.units, golden.units);
});

test("decimal operands: accepted", () => {
  assert.equal(parseOperand("0"), 0n);
  assert.equal(parseOperand("  007 "), 7n);
  const long = "9".repeat(MAX_DIGITS);
  assert.equal(parseOperand(long), 10n ** BigInt(MAX_DIGITS) - 1n);
});

test("decimal operands: every bad input refused with a message", () => {
  const bad = {
    "": /empty/, "   ": /empty/, "-5": /negative/, "- 5": /negative/, "1e5": /exponent/,
    "2.5E10": /exponent/, "12 34": /space inside/, "12\t34": /space inside/, "12,345": /","/,
    "0x1F": /"x"/, "+5": /"\+"/, "3.0": /"\."/, "abc": /"a"/, "١٢": /"١"/, "−5": /"−"/,
    ["1".repeat(MAX_DIGITS + 1)]: /at most 20,000 digits/,
  };
  for (const [text, message] of Object.entries(bad)) {
    assert.throws(() => parseOperand(text, "a"), (e) => e instanceof InputError && message.test(e.message),
      `input ${JSON.stringify(text.slice(0, 20))}`);
  }
  assert.throws(() => parseOperand(5, "a"), InputError);
});

test("bits: least significant first, and back", () => {
  assert.deepEqual([...toBits(6n, 4)], [0, 1, 1, 0]);
  assert.equal(fromBits(Uint8Array.from([0, 1, 1, 0])), 6n);
  const x = encodePair(5n, 1n);
  assert.deepEqual([...x.a], [1, 0, 1, 0]); // width 3, plus the carry-out step (0, 0)
  assert.deepEqual([...x.b], [1, 0, 0, 0]);
  assert.equal(encodePair(0n, 0n).a.length, 2);
  const big = 3n ** 5000n;
  assert.equal(fromBits(toBits(big, big.toString(2).length)), big);
  assert.throws(() => encodePair(-1n, 2n), TypeError);
});

test("the network file is refused in another format", () => {
  assert.throws(() => loadNetwork({ format: "other" }), /format/);
  const doc = JSON.parse(networkBytes);
  doc.bias = doc.bias.slice(1);
  assert.throws(() => loadNetwork(doc), /bias/);
});

test("every sum bit equals grubook's, on every golden case", () => {
  assert.ok(golden.cases.length >= 100);
  for (const c of golden.cases) {
    const result = run(net, BigInt(c.a), BigInt(c.b));
    const bits = Array.from(result.bits).join("");
    assert.equal(bits, c.bits, `sum bits of ${c.name}`);
    assert.equal(result.sum.toString(), c.sum, `sum of ${c.name}`);
  }
});

test("every gate value within 1e-5 of grubook's trace", () => {
  let worst = 0;
  for (const tr of golden.traces) {
    const result = run(net, BigInt(tr.a), BigInt(tr.b), { trace: true });
    const H = net.units;
    assert.equal(result.steps, tr.z.length);
    for (const g of ["z", "r", "h"]) {
      tr[g].forEach((row, t) => row.forEach((v, u) => {
        worst = Math.max(worst, Math.abs(result[g][t * H + u] - v));
      }));
    }
    tr.logits.forEach((v, t) => { worst = Math.max(worst, Math.abs(result.logits[t] - v)); });
    assert.equal(Array.from(result.bits).join(""), tr.bits);
  }
  console.log(`# largest gate, state or logit difference from grubook: ${worst.toExponential(2)}`);
  assert.ok(worst < 1e-5, `a gate value is ${worst} from grubook's`);
});

test("each float64 step is far within the certificate's per-step error", () => {
  const H = net.units;
  let stepWorst = 0;
  let logitWorst = 0;
  const out = new Float64Array(H);
  for (const s of golden.steps) {
    step(net, Float64Array.from(s.h), s.pair[0], s.pair[1], out);
    out.forEach((v, u) => { stepWorst = Math.max(stepWorst, Math.abs(v - s.exact_next[u])); });
    logitWorst = Math.max(logitWorst, Math.abs(logit(net, Float64Array.from(s.exact_next)) - s.exact_logit));
  }
  console.log(
    `# per-step deviation from exact arithmetic, ${golden.steps.length} steps: ${stepWorst.toExponential(2)}` +
      ` (a priori float64 bound ${golden.float64_step_bound.toExponential(2)},` +
      ` certificate's step_error ${golden.step_error.toExponential(2)});` +
      ` readout logit ${logitWorst.toExponential(2)} (readout_error ${golden.readout_error.toExponential(2)})`,
  );
  assert.ok(golden.steps.length >= 100);
  assert.ok(stepWorst <= golden.float64_step_bound, "a step exceeds the a priori float64 bound");
  assert.ok(stepWorst < golden.step_error * 1e-6, "a step is not far below step_error");
  assert.ok(logitWorst < golden.readout_error * 1e-6, "a readout is not far below readout_error");
});

// The float64 per-step bound (golden.float64_step_bound) budgets 8 ulp for
// each of tanh and the sigmoid 1 / (1 + exp(-a)) (exp's error plus two
// roundings): V8's fdlibm-derived Math.exp and Math.tanh are within 2 ulp of
// the correctly rounded value, so within 2.5 ulp of the true one.
test("Math.exp and Math.tanh within 2 ulp of the correctly rounded value", () => {
  const worst = {};
  for (const [name, f] of [["exp", Math.exp], ["tanh", Math.tanh]]) {
    worst[name] = 0;
    for (const [x, rounded] of golden.functions[name]) {
      if (rounded === 0) continue;
      worst[name] = Math.max(worst[name], Math.abs(f(x) - rounded) / ulp(rounded));
    }
  }
  console.log(`# ulps from the correctly rounded value: exp ${worst.exp}, tanh ${worst.tanh}`);
  assert.ok(worst.exp <= 2 && worst.tanh <= 2, JSON.stringify(worst));
});
