/**
 * Validation beyond the paper's figures (issue 18): per-layer curvature against the layer kernels, and
 * the edge of stability at a large learning rate. Same conventions as checks.ts: quick mode shrinks the
 * example (its overrides printed), full mode runs it as written.
 */
import { orNaN } from '../../src/contracts/engineMessages';
import { backendLabel, commandLine, fmt, loadExample, runExample, settingsFor, settingsLine, type Check, type FigureOptions, type FigureResult } from './figures';

const QUICK_LAYERS = { 'network.width': 250, 'data.samples': 32, 'settings.trials': 4, 'train.steps': 50, 'measure.points': 2, 'measure.probes': 10, 'measure.top': 3 };

/**
 * Per-layer Figure 1: at initialization each layer's Tr(I_ℓℓ^k), k = 1, 2 (exact from Θ̂_ℓ), against the
 * layer kernel's Tr((Θ_ℓ/N)^k); and at every measurement the blocks' traces add up to the whole ones.
 */
export async function perLayer(options: FigureOptions): Promise<FigureResult> {
  const quick = options.mode === 'quick';
  const file = 'fig1-per-layer.ntkexp';
  const overrides = settingsFor(options, QUICK_LAYERS);
  const experiments = loadExample(file, overrides);
  const t0 = Date.now();
  const outcome = await runExample(file, experiments, options, 'per-layer');
  const run = outcome.runs[0];
  const tol = quick ? 0.15 : 0.1;
  const first = run.summary.steps[0];
  const last = run.summary.steps[run.summary.steps.length - 1];
  const rows = ['| step | layer | parameters | Tr(I_ℓℓ) ± s.e. | Θ_ℓ | Tr(I_ℓℓ²) ± s.e. | Θ_ℓ | share of Tr(I) | share of Tr(S) |', '|---|---|---|---|---|---|---|---|---|'];
  for (const st of [first, last]) {
    for (const b of st.layers ?? []) {
      rows.push(
        `| ${st.step} | ${b.layer + 1} | ${b.parameters} | ${fmt(b.mean.I[0])} ± ${fmt(b.stderr.I[0], 2)} | ${fmt(b.theory?.I[0])} | ${fmt(b.mean.I[1])} ± ${fmt(b.stderr.I[1], 2)} | ${fmt(b.theory?.I[1])} | ${fmt(orNaN(b.share.I.mean) * 100, 3)}% | ${fmt(orNaN(b.share.S.mean) * 100, 3)}% |`,
      );
    }
  }
  const misses: string[] = [];
  for (const b of first.layers ?? []) {
    for (const k of [0, 1]) {
      const m = orNaN(b.mean.I[k]);
      const se = orNaN(b.stderr.I[k]);
      const e = orNaN(b.theory?.I[k] ?? null);
      const ok = Math.abs(m - e) <= Math.max(tol * Math.abs(e), 3 * se);
      if (!ok) misses.push(`layer ${b.layer + 1}, Tr(I_ℓℓ^${k + 1}): ${fmt(m)} ± ${fmt(se, 2)} against ${fmt(e)}`);
    }
  }
  let worstSum = 0;
  for (const st of run.summary.steps) {
    for (const A of ['H', 'I', 'S'] as const) {
      const sum = (st.layers ?? []).reduce((s, b) => s + orNaN(b.mean[A][0]), 0);
      worstSum = Math.max(worstSum, Math.abs(sum - orNaN(st.mean[A][0])) / Math.abs(orNaN(st.mean.I[0])));
    }
  }
  const checks: Check[] = [
    { name: 'run finished', passed: run.info.status === 'finished', detail: run.info.status },
    {
      name: `at initialization every layer's Tr(I_ℓℓ) and Tr(I_ℓℓ²) within ${100 * tol}% or 3 s.e. of the layer kernel's prediction`,
      passed: (first.layers?.length ?? 0) > 0 && misses.length === 0,
      detail: misses.length ? `missed: ${misses.join('; ')}` : `${(first.layers ?? []).length} layers × 2 moments`,
    },
    { name: "the blocks' traces add up to the whole Tr(H), Tr(I), Tr(S) (relative to Tr(I), < 1e-4)", passed: worstSum < 1e-4, detail: `largest difference ${worstSum.toExponential(2)} of Tr(I)` },
  ];
  return {
    id: 'per-layer',
    title: 'Per layer: where the curvature lives (Figure 1 network)',
    command: commandLine(options),
    settings: settingsLine([experiments[0].experiment], overrides),
    seconds: (Date.now() - t0) / 1000,
    backend: backendLabel(run.info),
    body: `For each weight layer ℓ (its W and b) the diagonal blocks of I and S, mean ± standard error over ${run.summary.trials.finished} trials: Tr(I_ℓℓ^k) exactly from the layer's own NTK Gram Θ̂_ℓ against the infinite-width Tr((Θ_ℓ/N)^k) of the layer kernel Θ_ℓ = Σ(ℓ+1) ⊙ Σ̇(ℓ+2) ⊙ … ⊙ Σ̇(L) (THEORY.md §5), and each layer's share of Tr(I) and of Tr(S) (of Σ|Tr(S_ℓℓ)|; the output layer's S block is 0), at the first and last measurement.\n\n${rows.join('\n')}`,
    checks,
  };
}

const QUICK_EOS = { 'network.width': 128, 'settings.trials': 2, 'train.steps': 100, 'measure.points': 6, 'measure.probes': 6 };

/**
 * The catapult (Lewkowycz et al. 2020) at η = 6: the linearized dynamics' λmax(Θ̂)/N starts above 2/η,
 * the loss first grows, and the sharpness λmax(H) ends below 2/η with the loss below its start.
 */
export async function edgeOfStability(options: FigureOptions): Promise<FigureResult> {
  const file = 'edge-of-stability.ntkexp';
  const overrides = settingsFor(options, QUICK_EOS);
  const experiments = loadExample(file, overrides);
  const t0 = Date.now();
  const outcome = await runExample(file, experiments, options, 'edge-of-stability');
  const run = outcome.runs[0];
  const s = run.summary;
  const threshold = s.stability?.threshold ?? NaN;
  const rows = ['| step | t | loss ± s.e. | λmax(H) ± s.e. | 2/η | λmax(I) at n → ∞ |', '|---|---|---|---|---|---|'];
  for (const st of s.steps) rows.push(`| ${st.step} | ${fmt(st.t)} | ${fmt(st.loss.mean)} ± ${fmt(st.loss.stderr, 2)} | ${fmt(st.sharpness?.mean)} ± ${fmt(st.sharpness?.stderr, 2)} | ${fmt(threshold)} | ${fmt(st.sharpness?.limit_I)} |`);
  const first = s.steps[0];
  const last = s.steps[s.steps.length - 1];
  const peak = Math.max(...s.steps.map((st) => orNaN(st.loss.mean)));
  const c = s.stability?.catapult;
  const checks: Check[] = [
    { name: 'run finished', passed: run.info.status === 'finished', detail: run.info.status },
    { name: 'every trial starts in the catapult regime (λmax(Θ̂)/N > 2/η)', passed: !!c && c.in_regime === c.trials && c.trials === s.trials.finished, detail: c ? `${c.in_regime} of ${c.trials} trials; λmax(Θ̂)/N = ${fmt(c.linearized)}, 2/η = ${fmt(c.threshold)}` : 'no catapult record' },
    { name: 'the loss first grows (a catapult), then ends below its start', passed: peak > orNaN(first.loss.mean) && orNaN(last.loss.mean) < orNaN(first.loss.mean), detail: `loss ${fmt(first.loss.mean)} → peak ${fmt(peak)} → ${fmt(last.loss.mean)}` },
    { name: 'the sharpness ends below 2/η', passed: orNaN(last.sharpness?.mean ?? null) < threshold, detail: `λmax(H) ${fmt(first.sharpness?.mean)} at t = 0, ${fmt(last.sharpness?.mean)} at the end; 2/η = ${fmt(threshold)}` },
  ];
  return {
    id: 'edge-of-stability',
    title: 'The edge of stability: the catapult at η = 6',
    command: commandLine(options),
    settings: settingsLine([experiments[0].experiment], overrides),
    seconds: (Date.now() - t0) / 1000,
    backend: backendLabel(run.info),
    body: `Gradient descent on a quadratic of curvature λ is stable only while λ < 2/η. Here the linearized dynamics start with λmax(Θ̂)/N above 2/η: the catapult regime, where the loss first grows and the curvature falls until it is below 2/η (Lewkowycz et al. 2020) — outside what the linearized theory describes. Mean ± standard error over ${s.trials.finished} trials of the loss and the sharpness λmax(H), against 2/η and the infinite-width λmax(I) = λmax(Θ)/N.\n\n${rows.join('\n')}`,
    checks,
  };
}
