/**
 * `npm run demo [-- FILE]`: runs one trial of an experiment in this process (default
 * examples/quickstart.ntkexp) and prints the measured moments of H, I and S against the theory's
 * path-wise prediction.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend } from '../src/engine/backend';
import { runTrial } from '../src/engine/train/trial';
import type { MeasurementRecord } from '../src/engine/records';
import { resolve, expandSweeps } from '../src/format/index';
import { compileResolved, datasetFor, kernelsFor } from '../src/run/prepare';
import { momentsTable } from '../src/cli/momentsTable';
import { toLine } from '../src/cli/report';

async function main(): Promise<void> {
  const file = process.argv[2] ?? path.join(__dirname, '..', 'examples', 'quickstart.ntkexp');
  const result = resolve(fs.readFileSync(file, 'utf8'), { path: file });
  if (result.experiments.length === 0) {
    for (const d of result.diagnostics) console.error(toLine(file, d));
    process.exit(1);
  }
  const resolved = expandSweeps(result.experiments[0])[0];
  const config = compileResolved(resolved);
  const backend = await initBackend();
  const data = datasetFor(config);
  const kernels = config.measure.theory ? kernelsFor(config, data) : undefined;
  console.log(`${config.title} — ${data.description}; backend ${backend.name}`);
  const records: MeasurementRecord[] = [];
  const started = performance.now();
  await runTrial(config, data, 0, { onMeasurement: (r) => records.push(r), onLog: (m) => console.error(m) }, { kernels, backend: backend.name });
  console.log(`one trial, ${config.train.steps} steps, ${records.length} measurements in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  console.log(
    momentsTable(
      records.map((r) => ({ step: r.step, t: r.t, loss: r.loss, moments: r.moments, stderr: r.moments_stderr, theory: r.theory })),
      { kmax: config.measure.moments, theoryLabel: 'theory' },
    ),
  );
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
