/**
 * wasm_threads: the threaded wasm build with one thread and with all of its threads, in one process
 * (setWasmThreads re-makes the kernels' pool between blocks), on the 1024² product and the Figure-1
 * training step (`gradient`'s work). Blocks alternate 1, n, 1, n so that a change of the machine's load
 * during the run falls on both counts; each count's figure is the median over its blocks' medians.
 * The one-thread figures are the threaded build's pool of one, not the stock single-threaded build
 * (wasm1): that one runs the product at the same speed but the training step faster (measured 62–66 ms
 * against 73–79 ms here), so this ratio overstates the gain over wasm1; the gain over wasm1 is measured
 * by `gradient` in two runs, one with NTKEXP_THREADS=1. Skipped, with the reason, unless the threaded
 * build is the active backend.
 */
import { activeBackend } from '../src/engine/backend';
import { setWasmThreads } from '../src/engine/backend/wasmThreads';
import { figure1, gflops, gradientFlops, matmulFlops, round2, timeMatmul, timeMedian, trainingStep, type Benchmark, type BenchRecord, median } from './common';

const BLOCKS_PER_COUNT = 2;

export const wasmThreads: Benchmark = {
  name: 'wasm_threads',
  produces: ['wasm_threads_speedup'],
  async run({ repeat, log }) {
    const info = activeBackend();
    if (info?.name !== 'wasm' || (info.threads ?? 1) < 2) {
      return [{ name: 'wasm_threads', ms: NaN, missing: info?.threadsSkipped ?? `the backend is ${info?.name ?? 'not started'}` }];
    }
    const most = info.threads as number;
    const counts = [1, most];
    const f = figure1();
    const times = new Map(counts.map((n) => [n, { matmul: [] as number[], gradient: [] as number[] }]));
    try {
      for (let block = 0; block < BLOCKS_PER_COUNT; block++) {
        for (const n of counts) {
          const got = await setWasmThreads(n);
          if (got !== n) throw new Error(`setWasmThreads(${n}) made a pool of ${got}`);
          log(`wasm_threads: block ${block + 1}/${BLOCKS_PER_COUNT}, ${n} thread(s)`);
          const t = times.get(n)!;
          t.matmul.push(timeMatmul(repeat));
          t.gradient.push(timeMedian(repeat, () => trainingStep(f)));
        }
      }
    } finally {
      await setWasmThreads(most);
      f.net.dispose();
    }
    const out: BenchRecord[] = [];
    for (const n of counts) {
      const t = times.get(n)!;
      const matmulMs = median(t.matmul);
      const gradientMs = median(t.gradient);
      out.push({
        name: 'wasm_threads',
        ms: gradientMs,
        threads: n,
        matmul_ms: matmulMs,
        matmul_gflops: gflops(matmulFlops, matmulMs),
        gradient_ms: gradientMs,
        gradient_gflops: gflops(gradientFlops(f), gradientMs),
      });
    }
    const [one, all] = counts.map((n) => times.get(n)!);
    out.push({
      name: 'wasm_threads_speedup',
      ms: 0,
      threads: most,
      matmul: round2(median(one.matmul) / median(all.matmul)),
      gradient: round2(median(one.gradient) / median(all.gradient)),
      target_gradient: 1.5,
    });
    return out;
  },
};
