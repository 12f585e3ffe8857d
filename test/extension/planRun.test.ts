import './mock/install';
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { vscodeMock } from './mock/control';
import { activate } from '../../src/extension/extension';
import { parseClusterShape } from '../../src/extension/commands/planCommand';
import { RESTRICTED_MESSAGE } from '../../src/extension/trust';
import { tempDir, tinyExperiment } from '../run/helpers';

// NTK: Plan Run (palette, CodeLens): `ntkexp run FILE --plan` in a child process for this machine or a
// typed cluster shape, the plan shown beside; refused in Restricted Mode; a cancel leaves no process.

let context: vscode.ExtensionContext;
beforeEach(() => {
  vscodeMock.reset();
  context = vscodeMock.createExtensionContext();
  activate(context);
});
afterEach(() => vscodeMock.disposeContext(context));

function experiment(text = tinyExperiment({ trials: 2, steps: 20 })): vscode.Uri {
  const file = join(tempDir('ntkexp-ext-plan-'), 'tiny.ntkexp');
  writeFileSync(file, text);
  return vscode.Uri.file(file);
}

const planDocument = (): vscode.TextDocument | undefined => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'untitled');

test('the cluster shape as typed: nodes × cores (× GB), or empty for this machine; anything else is refused', () => {
  assert.deepEqual(parseClusterShape(''), []);
  assert.deepEqual(parseClusterShape('  '), []);
  assert.deepEqual(parseClusterShape('10x8'), ['--nodes', '10', '--cores-per-node', '8']);
  assert.deepEqual(parseClusterShape('10 × 8 × 128'), ['--nodes', '10', '--cores-per-node', '8', '--memory-per-node', '128']);
  assert.deepEqual(parseClusterShape('2X4x0.5'), ['--nodes', '2', '--cores-per-node', '4', '--memory-per-node', '0.5']);
  for (const bad of ['10', '0x8', '10x0', '10x8x0', '-1x8', '10x8x', 'x8', '10x8x128x2', '10,8', '1e3x8', '10x8; rm -rf /', '--nodes 10']) {
    assert.equal(parseClusterShape(bad), undefined, bad);
  }
});

test('Plan Run: the shape asked for, the plan of the typed cluster shown beside, no run folder written', async () => {
  const uri = experiment();
  let validate: ((v: string) => unknown) | undefined;
  vscodeMock.respond('inputBox', (prompt: { options?: vscode.InputBoxOptions }) => {
    validate = prompt.options?.validateInput as (v: string) => unknown;
    return '3x2';
  });
  await vscode.commands.executeCommand('ntkexp.planRun', uri, 'tiny');
  assert.ok(validate, 'the input box validates what is typed');
  assert.equal(validate!('3x2'), undefined);
  assert.match(String(validate!('three nodes')), /nodes × cores/);
  assert.deepEqual(vscodeMock.messages('error'), []);
  const doc = planDocument();
  assert.ok(doc, 'the plan is shown');
  const text = doc!.getText();
  assert.match(text, /^# ntkexp run .*tiny\.ntkexp --plan --experiment tiny --nodes 3 --cores-per-node 2\n/);
  assert.match(text, /tiny: P = \d+, 2 trial\(s\); a trial /);
  assert.match(text, /calibration \(tiny, measured on this machine/);
  assert.match(text, /cluster: 3 nodes × 2 cores/);
  assert.match(text, /Slurm: --array=0-\d+ --cpus-per-task=\d+ --mem=\d+G --time=/);
  // A notification that can be cancelled, and nothing beside the file.
  const progress = vscodeMock.progress.at(-1)!;
  assert.equal(progress.options.cancellable, true);
  assert.deepEqual(readdirSync(join(uri.fsPath, '..')), ['tiny.ntkexp']);
});

test('Plan Run: Escape at the shape runs nothing; an experiment that cannot run says why', async () => {
  const uri = experiment();
  vscodeMock.respond('inputBox', undefined);
  await vscode.commands.executeCommand('ntkexp.planRun', uri, 'tiny');
  assert.equal(vscodeMock.progress.length, 0);
  assert.equal(planDocument(), undefined);
  // A refused plan (an experiment that names no such sweep point) is an error message with the CLI's reason.
  vscodeMock.respond('inputBox', '');
  vscodeMock.respond('error', undefined);
  await vscode.commands.executeCommand('ntkexp.planRun', uri, 'nothing-of-that-name');
  const [error] = vscodeMock.messages('error');
  assert.match(error, /^NTK: the run could not be planned: .*nothing-of-that-name/);
  assert.equal(planDocument(), undefined);
});

test('Restricted Mode: Plan Run is refused with the reason, before anything is asked or started', async () => {
  vscodeMock.setTrusted(false);
  vscodeMock.respond('warning', undefined);
  await vscode.commands.executeCommand('ntkexp.planRun', experiment(), 'tiny');
  assert.ok(vscodeMock.messages('warning').includes(RESTRICTED_MESSAGE));
  assert.equal(vscodeMock.prompts.filter((p) => p.kind === 'inputBox').length, 0);
  assert.equal(vscodeMock.progress.length, 0);
});

test('Plan Run cancelled while the short run is timed: nothing shown, and no process of it is left', async () => {
  // A short run that takes a while (a wide network's measurement), so the cancel comes in the middle.
  const uri = experiment(tinyExperiment({ trials: 1, steps: 2000, network: 'depth = 3; width = 512', points: 4 }));
  const marker = `ntkexp-plan-cancel-${process.pid}-${Date.now()}`;
  process.env.NTKEXP_TEST_MARKER = marker;
  vscodeMock.respond('inputBox', '');
  try {
    const planning = vscode.commands.executeCommand('ntkexp.planRun', uri, 'tiny');
    // Wait for its engine to exist, then press Cancel on the notification.
    await vscodeMock.waitFor(() => marked(marker).some((p) => p.command.includes('engineMain')), { timeout: 60_000, interval: 50, what: 'the short run\'s engine' });
    vscodeMock.progress.at(-1)!.cancel();
    await planning;
  } finally {
    delete process.env.NTKEXP_TEST_MARKER;
  }
  assert.equal(planDocument(), undefined);
  assert.deepEqual(vscodeMock.messages('error'), [], 'a cancel is not an error');
  await vscodeMock.waitFor(() => marked(marker).length === 0, { timeout: 15_000, interval: 50 }).catch(() => undefined);
  assert.deepEqual(marked(marker), [], 'the CLI and its engines have ended');
});

/** Processes whose environment carries the marker (the CLI the command started, its engines, tsx's esbuild). */
function marked(marker: string): { pid: number; command: string }[] {
  const pids: { pid: number; command: string }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, 'latin1').includes(`NTKEXP_TEST_MARKER=${marker}`)) {
        pids.push({ pid: Number(name), command: readFileSync(`/proc/${name}/cmdline`, 'latin1').replace(/\0/g, ' ') });
      }
    } catch {
      // gone in between, or not ours
    }
  }
  return pids;
}
