/**
 * One product path in its own process (the backend is chosen once per process), for bench/paths.ts:
 * `node --import tsx bench/pathChild.ts REPEAT` with the path's environment; prints one JSON line
 * `{path, summary, matmul_ms, gradient_ms}` (medians over REPEAT after a warm-up).
 */
import { computePath, initBackend } from '../src/engine/backend';
import { figure1, timeMatmul, timeMedian, trainingStep } from './common';

async function main(): Promise<void> {
  const repeat = Number(process.argv[2] ?? 5);
  const compute = computePath(await initBackend());
  const matmulMs = timeMatmul(repeat);
  const f = figure1();
  const gradientMs = timeMedian(repeat, () => trainingStep(f));
  f.net.dispose();
  process.stdout.write(JSON.stringify({ path: compute.path, summary: compute.summary, threads: compute.threads, matmul_ms: matmulMs, gradient_ms: gradientMs }) + '\n');
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e instanceof Error ? e.stack : e);
    process.exit(1);
  },
);
