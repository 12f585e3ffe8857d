import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { Rng } from '../../src/engine/rng';
import { check, format } from '../../src/format/index';
import { lex } from '../../src/format/lexer';
import { validTexts } from './helpers';

/**
 * Random mutations of valid files (tokens deleted, duplicated, swapped; random bytes inserted; spans
 * cut) with a fixed seed: checking and formatting never throw and never hang, and whatever formats
 * formats idempotently. Then size: a 1 MB file checks in well under a second, in linear time.
 */
const BYTES = ['{', '}', '(', ')', '[', ']', ',', '=', ';', '"', '#', '\n', '\r', '\t', ' ', '-', '^', '.', 'e', 'x', '0', '9', '@', '\\', '\u0000', 'é', '😀', '\ufeff'];

function mutate(text: string, rng: Rng): string {
  const { tokens } = lex(text, () => undefined);
  const spans = Array.from({ length: tokens.count - 1 }, (_, j) => [tokens.start(j).offset, tokens.end(j).offset] as const);
  const pick = (): readonly [number, number] => spans[rng.int(spans.length)] ?? [0, 0];
  switch (rng.int(6)) {
    case 0: {
      const [a, b] = pick();
      return text.slice(0, a) + text.slice(b);
    }
    case 1: {
      const [a, b] = pick();
      return text.slice(0, b) + ' ' + text.slice(a, b) + text.slice(b);
    }
    case 2: {
      const [a1, b1] = pick();
      const [a2, b2] = pick();
      if (a1 === a2) return text;
      const [[p, q], [r, s]] = a1 < a2 ? [[a1, b1], [a2, b2]] : [[a2, b2], [a1, b1]];
      if (q > r) return text;
      return text.slice(0, p) + text.slice(r, s) + text.slice(q, r) + text.slice(p, q) + text.slice(s);
    }
    case 3: {
      const at = rng.int(text.length + 1);
      let insert = '';
      for (let k = 1 + rng.int(4); k > 0; k--) insert += BYTES[rng.int(BYTES.length)];
      return text.slice(0, at) + insert + text.slice(at);
    }
    case 4: {
      const a = rng.int(text.length + 1);
      return text.slice(0, a) + text.slice(a + rng.int(40));
    }
    default:
      return text.slice(0, rng.int(text.length + 1));
  }
}

test('4000 mutations: check and format never throw, never hang, and formatting is idempotent', { timeout: 120000 }, () => {
  const rng = new Rng(20240601, 'fuzz');
  const bases = validTexts().map((t) => t.text);
  let formattedCount = 0;
  let slowest = 0;
  for (let i = 0; i < 4000; i++) {
    let text = bases[i % bases.length];
    for (let k = 1 + rng.int(3); k > 0; k--) text = mutate(text, rng);
    const t0 = performance.now();
    let diagnostics;
    try {
      diagnostics = check(text, { path: 'fuzz/file.ntkexp' });
    } catch (e) {
      assert.fail(`check threw on mutation ${i}: ${(e as Error).stack}\n---\n${text}`);
    }
    slowest = Math.max(slowest, performance.now() - t0);
    for (const d of diagnostics) {
      assert.ok(d.range.start.offset <= d.range.end.offset && d.range.end.offset <= text.length + 1, `bad range on mutation ${i}`);
      assert.ok(d.message.length > 0);
    }
    let r;
    try {
      r = format(text);
    } catch (e) {
      assert.fail(`format threw on mutation ${i}: ${(e as Error).stack}\n---\n${text}`);
    }
    if (r.ok) {
      formattedCount++;
      const again = format(r.text);
      assert.ok(again.ok, `formatted text does not parse (mutation ${i})\n---\n${text}\n---\n${r.text}`);
      assert.equal(again.text, r.text, `formatting is not idempotent on mutation ${i}\n---\n${text}`);
    }
  }
  // A hang detector, not a speed claim (speed is `npm run bench`'s): these texts are a few kB, so a
  // check that takes seconds is a pathological path. Typical is under 10 ms; 2 s leaves room for a
  // garbage-collection pause on a loaded CI machine, which a 250 ms bound did not.
  assert.ok(slowest < 2000, `slowest check took ${slowest.toFixed(1)} ms`);
  assert.ok(formattedCount > 400, `only ${formattedCount} mutations parsed`);
});

/** A valid file of about `bytes` bytes: many experiments, one with a large inline data set. */
function bigFile(bytes: number): string {
  const parts: string[] = ['activation swish(x) = x * sigmoid(x)\n'];
  let size = parts[0].length;
  for (let i = 0; size < bytes / 2; i++) {
    const block = `\n# experiment ${i}\nexperiment e${i} {\n  seed = ${i}\n  data disk { samples = 64; target = x1 * x2 }\n  network {\n    depth      = 3\n    width      = [100, 200]\n    activation = swish\n  }\n  measure { top = 5 }\n  sweep { learning_rate = [0.1, 0.2] }\n}\n`;
    parts.push(block);
    size += block.length;
  }
  const rows: string[] = [];
  const targets: string[] = [];
  for (let i = 0; size < bytes; i++) {
    const row = `    [${(i % 97) / 10}, ${-(i % 13) / 7}, 1.5e-2],\n`;
    rows.push(row);
    targets.push(String(i % 2 === 0 ? 1 : -1));
    size += row.length + targets[targets.length - 1].length + 2;
  }
  parts.push(`\nexperiment points {\n  data points {\n    inputs = [\n${rows.join('').replace(/,\n$/, '\n')}    ]\n    targets = [${targets.join(', ')}]\n  }\n}\n`);
  return parts.join('');
}

/** One timing: the smaller of wall-clock and process CPU time of one run. */
function once(run: () => void): number {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  run();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return Math.min(wall, (cpu.user + cpu.system) / 1000);
}

/**
 * Times of two checks compared with each other (a size and its double): for each, the smaller of
 * wall-clock and process CPU time, best of seven runs after a warm-up, the two taken in turns. Other
 * processes on a shared machine inflate wall time but not CPU time; parallel garbage collection
 * inflates CPU time but not wall time; neither can make the smaller one too small; and taking turns
 * lets a spell of load fall on both instead of on whichever was being timed then.
 */
function timedPair(a: () => void, b: () => void): [number, number] {
  a();
  b();
  let best: [number, number] = [Infinity, Infinity];
  for (let k = 0; k < 7; k++) best = [Math.min(best[0], once(a)), Math.min(best[1], once(b))];
  return best;
}

/** The file checks without an error (what is timed is a check of a valid file). */
function assertValid(text: string): void {
  assert.deepEqual(
    check(text)
      .filter((d) => d.severity === 'error')
      .map((d) => d.message),
    [],
  );
}

test('a 1 MB file checks in well under a second, and 2 MB takes about twice as long (linear)', { timeout: 60000 }, () => {
  const one = bigFile(1 << 20);
  const two = bigFile(2 << 20);
  assert.ok(one.length >= 1 << 20);
  assertValid(one);
  assertValid(two);
  const [t1, t2] = timedPair(
    () => check(one),
    () => check(two),
  );
  console.log(`check: 1 MB in ${t1.toFixed(0)} ms, 2 MB in ${t2.toFixed(0)} ms (ratio ${(t2 / t1).toFixed(2)})`);
  assert.ok(t1 < 1000, `1 MB took ${t1.toFixed(0)} ms`);
  assert.ok(t2 / t1 < 3, `doubling the size multiplied the time by ${(t2 / t1).toFixed(2)}: not linear`);
});

test('1 MB of random bytes checks in linear time too (every character an error)', { timeout: 60000 }, () => {
  const rng = new Rng(7, 'garbage');
  const garbage = (n: number): string => {
    let s = '';
    while (s.length < n) s += BYTES[rng.int(BYTES.length)];
    return s;
  };
  const one = garbage(1 << 20);
  const two = garbage(2 << 20);
  const [t1, t2] = timedPair(
    () => check(one),
    () => check(two),
  );
  console.log(`garbage: 1 MB in ${t1.toFixed(0)} ms, 2 MB in ${t2.toFixed(0)} ms (ratio ${(t2 / t1).toFixed(2)})`);
  assert.ok(t1 < 1000, `1 MB of garbage took ${t1.toFixed(0)} ms`);
  assert.ok(t2 / t1 < 3, `doubling the size multiplied the time by ${(t2 / t1).toFixed(2)}`);
});
