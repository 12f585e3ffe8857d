/**
 * A process that starts an EnginePool on the stubborn engine (stubbornEngine.js), prints the engine's
 * pid when it has started, and calls process.exit(0) at once: the pool must kill its engine as its
 * process exits. Run with `node --import tsx test/helpers/poolParent.ts`.
 */
import { join } from 'node:path';
import { EnginePool } from '../../src/run/runner';

const pool = new EnginePool({
  workers: 1,
  entry: { path: join(__dirname, 'stubbornEngine.js'), execArgv: [] },
  onMessage: (m) => {
    if (m.type !== 'started') return;
    process.stdout.write(`${m.pid}\n`);
    process.exit(0);
  },
});
void pool.run([{ type: 'trial', run: 'r', experiment: {}, trial: 0, saveParams: false }]);
