import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunInfo } from '../../src/contracts/runStore';
import { BIN, CLI_ENV as ENV, ROOT, ntkexp } from '../helpers/cli';

// `ntkexp run` and `ntkexp merge` as users run them: `node bin/ntkexp.js …` in a child process, from the
// sources (the engines fork from the sources too).


const run = (args: string[]) => ntkexp(args);

function experiment(dir: string, body: { steps?: number; trials?: number; lr?: number; activation?: string; extra?: string; train?: string } = {}): string {
  const file = join(dir, 'e.ntkexp');
  writeFileSync(
    file,
    `experiment e {
  seed = 2
  trials = ${body.trials ?? 2}
  data points { inputs = [[1, 0], [0, 1], [1, 1], [1, -1]]; targets = [1, -1, 0.5, 0] }
  network { depth = 2; width = 12; activation = ${body.activation ?? 'smooth_relu'} }
  train { learning_rate = ${body.lr ?? 0.5}; steps = ${body.steps ?? 12}${body.train ? `; ${body.train}` : ''} }
  measure { points = 3; probes = 4; top = 2; exact = false }
  ${body.extra ?? ''}
}
`,
  );
  return file;
}

test('run with an optimizer the theory does not describe: no theory columns, and the table says why', () => {
  for (const [train, why] of [
    ['optimizer = adam', /no theory columns: the predictions are for gradient descent; Adam's adaptive preconditioner/],
    ['optimizer = sgd; batch_size = 2', /no theory columns: the predictions are for full-batch gradient descent; mini-batch sgd/],
    ['optimizer = momentum', /no theory columns: the predictions are for gradient descent; heavy-ball momentum/],
  ] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'ntkexp-clirun-opt-'));
    const r = run(['run', experiment(dir, { lr: 0.05, train })]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, why);
    assert.doesNotMatch(r.stdout, /expected/);
    const folder = /results in (.*)$/m.exec(r.stderr)?.[1] ?? '';
    const records = readFileSync(join(folder, 'series.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(records.some((m) => m.type === 'measurement'));
    assert.ok(records.every((m) => m.type !== 'theory' && m.expected === undefined && m.theory === undefined), train);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('run at a learning rate above 2/λmax: the catapult and edge-of-stability notices, and summary.json\'s stability', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ntkexp-clirun-eos-'));
  const file = join(dir, 'eos.ntkexp');
  writeFileSync(
    file,
    `experiment eos {\n  seed = 1\n  trials = 2\n  data circle { samples = 16; target = sin(3 * gamma) }\n  network { depth = 3; width = 64 }\n  train { learning_rate = 6; steps = 60 }\n  measure { points = 6; moments = 2; probes = 6; top = 2; orthogonality = false }\n}\n`,
  );
  const r = run(['run', file]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /notice: edge of stability: the sharpness λmax\(H\) reached gd's threshold 2\/η = 0\.3333 in 2 of 2 trials, first at step 0/);
  assert.match(r.stdout, /notice: catapult regime: at initialization the linearized dynamics' λmax\(Θ̂\)\/N = [\d.]+ is above 2\/η = 0\.3333 \(in 2 of 2 trials\)/);
  const folder = /results in (.*)$/m.exec(r.stderr)?.[1] ?? '';
  const summary = JSON.parse(readFileSync(join(folder, 'summary.json'), 'utf8'));
  assert.equal(summary.stability.threshold, 2 / 6);
  assert.equal(summary.stability.catapult.in_regime, 2);
  // After the catapult the sharpness has fallen below 2/η, as the theory of the catapult says.
  const last = summary.steps[summary.steps.length - 1];
  assert.ok(last.sharpness.mean < 2 / 6, `λmax(H) at the end ${last.sharpness.mean}`);
  assert.ok(summary.steps[0].sharpness.limit_I > 2 / 6);
  rmSync(dir, { recursive: true, force: true });
});

test('run: default folder beside the file, report.html written, the table printed, exit 0', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ntkexp-clirun-'));
  const r = run(['run', experiment(dir), '--workers', '2']);
  assert.equal(r.status, 0, r.stderr);
  const folder = /results in (.*)$/m.exec(r.stderr)?.[1] ?? '';
  assert.ok(folder.startsWith(join(dir, 'ntkexp-runs', 'e-')), folder);
  for (const f of ['run.json', 'series.jsonl', 'summary.json', 'report.html']) assert.ok(existsSync(join(folder, f)), f);
  assert.match(r.stdout, /mean ± standard error over 2 trials/);
  assert.match(r.stdout, /Tr\(H²\) ± se/);
  // Two engines on the same product: one line says what computes, and where to ask why.
  assert.equal(r.stderr.match(/engines compute on .* \(`ntkexp doctor` says why and how to change it\)/g)?.length, 1, r.stderr);
  const html = readFileSync(join(folder, 'report.html'), 'utf8');
  assert.match(html, /Content-Security-Policy/);
});

test('run --json streams NDJSON records; --trials and --seed override the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ntkexp-clirun-'));
  const out = join(dir, 'out');
  const r = run(['run', experiment(dir), '--json', '--trials', '1', '--seed', '7', '--out', out, '--workers', '1']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; trial: number });
  const types = new Set(lines.map((l) => l.type));
  for (const t of ['measurement', 'theory', 'finished']) assert.ok(types.has(t), `no ${t} record`);
  for (const t of types) assert.ok(['started', 'measurement', 'theory', 'finished', 'log', 'surface'].includes(t), `unexpected ${t} record (progress is not streamed)`);
  assert.equal(lines.filter((l) => l.type === 'measurement').length, 3);
  const info = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as RunInfo;
  assert.deepEqual(info.trials, [0]);
  assert.equal((info.resolved as { settings: { seed: number } }).settings.seed, 7);
  // The product path: the engine's started message, run.json and every measurement record agree.
  const started = lines.find((l) => l.type === 'started') as unknown as { compute?: { path: string; threads: number; summary: string } };
  assert.ok(started.compute && ['native', 'wasm_threads', 'wasm1', 'tensorflow', 'cpu'].includes(started.compute.path), JSON.stringify(started));
  assert.deepEqual(info.compute, started.compute);
  const paths = new Set(lines.filter((l) => l.type === 'measurement').map((l) => (l as unknown as { path?: string }).path));
  assert.deepEqual([...paths], [started.compute.path]);
  assert.doesNotMatch(r.stdout + r.stderr, /engines compute on/, 'the compute line is for people: not with --json');
});

test('run: a file with errors and a bad flag are bad input (exit 2); a diverging run fails (exit 1) with the step', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ntkexp-clirun-'));
  const broken = join(dir, 'broken.ntkexp');
  writeFileSync(broken, 'experiment e {\n  data circle {}\n  network { widht = 3 }\n}\n');
  const bad = run(['run', broken]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /broken\.ntkexp:3:13: error: unknown key `widht`/);
  const flag = run(['run', experiment(dir), '--shard', '3/2']);
  assert.equal(flag.status, 2);
  assert.match(flag.stderr, /--shard must be I\/N with 0 ≤ I < N/);
  const diverging = run(['run', experiment(dir, { lr: 50, steps: 500, activation: 'linear', trials: 1 }), '--out', join(dir, 'div'), '--quiet']);
  assert.equal(diverging.status, 1, diverging.stderr);
  assert.match(diverging.stderr, /training diverged at step \d+/);
  const info = JSON.parse(readFileSync(join(dir, 'div', 'run.json'), 'utf8')) as RunInfo;
  assert.equal(info.status, 'failed');
  assert.match(info.error ?? '', /learning_rate < 2N\/λmax/);
});

test('run: Ctrl-C stops cleanly — exit 130, the run marked cancelled, its measurements kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ntkexp-clirun-'));
  const out = join(dir, 'out');
  const child = spawn(process.execPath, [BIN, 'run', experiment(dir, { steps: 1000000, trials: 1 }), '--out', out, '--json'], { cwd: ROOT, env: ENV });
  let stdout = '';
  const status = await new Promise<number | null>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('"type":"measurement"') && !child.killed) child.kill('SIGINT');
    });
    child.on('exit', (code) => resolve(code));
  });
  assert.equal(status, 130);
  const info = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as RunInfo;
  assert.equal(info.status, 'cancelled');
  assert.ok(readFileSync(join(out, 'series.jsonl'), 'utf8').includes('"type":"measurement"'));
});

test('merge: two shards run by the CLI merge into one run with every trial', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ntkexp-clirun-'));
  const file = experiment(dir, { trials: 4 });
  assert.equal(run(['run', file, '--shard', '0/2', '--out', join(dir, 's0'), '--quiet']).status, 0);
  assert.equal(run(['run', file, '--shard', '1/2', '--out', join(dir, 's1'), '--quiet']).status, 0);
  const merged = run(['merge', join(dir, 's0'), join(dir, 's1'), '--out', join(dir, 'all')]);
  assert.equal(merged.status, 0, merged.stderr);
  assert.match(merged.stderr, /trials 0, 1, 2, 3 of 4/);
  assert.ok(existsSync(join(dir, 'all', 'report.html')));
  const refused = run(['merge', join(dir, 's0'), join(dir, 's0'), '--out', join(dir, 'dup')]);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /in both/);
});

test('run, mean field: the limits at initialization on the measured scale, no prediction through training, the table of S', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ntkexp-clirun-'));
  const file = join(dir, 'mf.ntkexp');
  writeFileSync(
    file,
    `experiment mf {
  seed = 3
  trials = 3
  data points { inputs = [[1, 0], [0, 1], [1, 1], [1, -1]]; targets = [1, -1, 0.5, 0] }
  network { depth = 2; width = 40; parametrization = mean_field }
  train { learning_rate = 0.5; steps = 6 }
  measure { points = 3; moments = 2; probes = 4; top = 2; exact = false }
}
`,
  );
  const out = join(dir, 'out');
  const r = run(['run', file, '--out', out, '--workers', '1']);
  assert.equal(r.status, 0, r.stderr);
  // The NTK dynamics at the step η·w are not run, so they cannot warn that they diverge.
  assert.doesNotMatch(r.stderr, /diverge/);
  const records = readFileSync(join(out, 'series.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; step: number; moments: { I: number[]; S: number[] }; expected?: { I: number[]; S: number[] }; theory?: unknown; mean_field?: { width: number; trace_s_std: number } });
  const measurements = records.filter((x) => x.type === 'measurement');
  for (const m of measurements) {
    assert.equal(m.theory, undefined, 'no path-wise prediction under mean field');
    if (m.step > 0) assert.equal(m.expected, undefined, `step ${m.step}: no prediction through training`);
  }
  const start = measurements.filter((m) => m.step === 0);
  assert.equal(start.length, 3);
  for (const m of start) {
    assert.equal(m.mean_field?.width, 40);
    assert.ok(m.mean_field!.trace_s_std > 0);
    // On the measurement's scale: Tr(I) and its limit agree in order (both ~1/w), not by a factor w.
    const ratio = m.moments.I[0] / m.expected!.I[0];
    assert.ok(ratio > 0.5 && ratio < 2, `Tr(I) ${m.moments.I[0]} against the limit ${m.expected!.I[0]}`);
    assert.equal(m.expected!.S[0], 0);
  }
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { steps: { mean_field?: { width: number; w_trace_s2: { limit: number } } }[] };
  assert.equal(summary.steps[0].mean_field?.width, 40);
  assert.ok(Math.abs(summary.steps[0].mean_field!.w_trace_s2.limit - 40 * start[0].expected!.S[1]) < 1e-12);
  assert.match(r.stdout, /√w·Tr\(S\) = /);
  assert.match(r.stdout, /w·Tr\(S²\) = .*limit ∇CᵀΥ∇C/);
  assert.match(r.stdout, /No prediction through training/);
});
