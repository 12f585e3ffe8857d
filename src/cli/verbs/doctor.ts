import * as os from 'node:os';
import { computePath, initBackend, parseBackendName, type BackendInfo, type ComputePath } from '../../engine/backend';
import { environmentThreads } from '../../engine/backend/threadCount';
import { fasterPathsUnused } from '../../engine/backend/advice';
import { threadsPerEngine } from '../../run/limits';
import { optionalInt } from '../args';
import type { CliIO } from '../io';
import { EXIT, UsageError, type Verb } from '../verb';

/**
 * `ntkexp doctor`: starts the backend as an engine of a one-trial run would (same environment, same
 * thread rule) and says what it got — backend, matrix product, threads, SIMD kernels — and, for each
 * faster path it does not use, why and how to enable it.
 */
export const doctorVerb: Verb = {
  name: 'doctor',
  summary: 'Which backend, matrix product and threads the engines use, and how to get faster ones',
  usage: 'ntkexp doctor [--threads T] [--backend B] [--json]',
  description: [
    'Starts the TensorFlow.js backend as the engine of a one-trial run does (NTKEXP_BACKEND, NTKEXP_BLAS,',
    'NTKEXP_THREADS and NTKEXP_SIMD apply, as do --backend and --threads) and prints the backend, the matrix',
    'product (the system BLAS under the wasm backend, or the backend\'s own), the threads, the SIMD',
    'element-wise kernels, and the path every run records (native, wasm_threads, wasm1, tensorflow, cpu).',
    'Then each faster path not in use: why, and how to enable it.',
    '',
    'With --json, prints {path, threads, summary, backend, unused: [{path, why, enable}]}, where backend is',
    'the full start-up record.',
    '',
    'Exit status: 0 when a backend started, 1 when none could, 2 on a usage error.',
  ].join('\n'),
  flags: [
    { name: 'threads', value: 'T', doc: 'Threads for the products, as `ntkexp run --threads` (default: the cores one engine would get).' },
    { name: 'backend', value: 'B', doc: 'Force a TensorFlow.js backend: tensorflow, wasm or cpu.' },
    { name: 'json', doc: 'Print one JSON object instead of text.' },
  ],
  positionals: { name: '', min: 0, max: 0 },
  async run(args, io: CliIO) {
    const requested = optionalInt(args.flags.threads, '--threads', 1, 1024);
    let fromEnvironment: number | undefined;
    try {
      fromEnvironment = environmentThreads();
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    // As a run's plan counts them: --threads, else NTKEXP_THREADS, else the cores one engine would get.
    const threads = threadsPerEngine(requested ?? fromEnvironment, 1);
    if (typeof threads !== 'number') throw new UsageError(threads.message);
    let backend;
    if (typeof args.flags.backend === 'string') {
      try {
        backend = parseBackendName(args.flags.backend, '--backend');
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
    }
    let info: BackendInfo;
    try {
      // A count from NTKEXP_THREADS is left to the backend to read, so its reason names the variable.
      info = await initBackend(backend, requested === undefined && fromEnvironment !== undefined ? {} : { threads });
    } catch (e) {
      io.stderr(`ntkexp doctor: ${(e as Error).message}\n`);
      return EXIT.failure;
    }
    const compute = computePath(info);
    const unused = fasterPathsUnused(info);
    if (args.flags.json === true) {
      io.stdout(`${JSON.stringify({ ...compute, backend: info, unused })}\n`);
      return EXIT.ok;
    }
    io.stdout(doctorText(info, compute, unused, os.availableParallelism()));
    return EXIT.ok;
  },
};

function doctorText(info: BackendInfo, compute: ComputePath, unused: ReturnType<typeof fasterPathsUnused>, cores: number): string {
  const gemm = info.gemm;
  const lines = [
    `path          ${compute.path} (as run.json and every measurement record name it)`,
    `backend       ${info.name}, TensorFlow.js ${info.version}${info.wasmDir ? ` (wasm files: ${info.wasmDir})` : ''}`,
    gemm.path === 'native'
      ? `product       native: ${gemm.description ?? gemm.library} (${gemm.library}), ${gemm.threads ?? '?'} thread(s) via ${gemm.threadControl}; start-up check: ${gemm.selfCheck.products} products, worst ${gemm.selfCheck.worstRatio.toFixed(2)} of the float32 bound`
      : `product       the backend's own (${gemm.reason})`,
    info.name === 'wasm' ? `wasm threads  ${info.threads ?? 1}${info.threadsSkipped ? ` (${info.threadsSkipped})` : ''}` : undefined,
    info.elementwise.kernels.length ? `element-wise  SIMD kernels for ${info.elementwise.kernels.join(', ')}` : `element-wise  the backend's own kernels`,
    `cores         ${cores} for this process; a run splits them between its engines (--workers × --threads)`,
  ].filter((l): l is string => l !== undefined);
  if (unused.length) {
    lines.push('', 'Faster paths not in use:');
    for (const u of unused) lines.push(`  ${u.path}: ${u.why}${u.enable ? `\n    to enable: ${u.enable}` : ''}`);
  } else {
    lines.push('', 'Every faster path this machine offers is in use.');
  }
  return lines.join('\n') + '\n';
}
