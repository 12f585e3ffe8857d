import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BackendName } from '../../engine/backend';
import { resolve } from '../../format/index';
import { ChoiceError, chooseRun } from '../../run/choose';
import { orNaN, type EngineMessage } from '../../contracts/engineMessages';
import { writeReportSafely } from '../../run/reportWriter';
import type { RunInfo, RunSummary } from '../../contracts/runStore';
import { ExperimentRun, RunRefused, type RunOutcome } from '../../run/runExperiment';
import { DEFAULT_MAX_HOURS } from '../../run/limits';
import { checkOptionsFor } from '../language/documents';
import { log, showError, showInformation } from '../log';
import { requireTrust } from '../trust';

/**
 * Starts runs from the editor and keeps what the panels and the runs view need while they go: each run
 * is an `ExperimentRun` (the same as `ntkexp run`), whose engines are forked processes, so the
 * extension host only routes messages and writes files. Shows a cancellable progress notification,
 * keeps the live records of each run folder for panels that open late, and tells listeners when runs
 * start, change and end.
 */
export interface LiveRun {
  /** The run folder (or, for a sweep, each point's folder has its own LiveRun). */
  readonly dir: string;
  info: RunInfo;
  readonly records: EngineMessage[];
  summary?: RunSummary;
  /** The sweep folder this run belongs to, if any. */
  readonly sweepDir?: string;
  readonly control: ExperimentRun;
}

export type RunEvent =
  | { readonly kind: 'started'; readonly run: LiveRun }
  | { readonly kind: 'message'; readonly run: LiveRun; readonly message: EngineMessage }
  | { readonly kind: 'ended'; readonly run: LiveRun };

export class RunManager implements vscode.Disposable {
  private readonly live = new Map<string, LiveRun>();
  private readonly emitter = new vscode.EventEmitter<RunEvent>();
  readonly onDidChange = this.emitter.event;

  /** Runs in progress, by folder. */
  get running(): LiveRun[] {
    return [...this.live.values()].filter((r) => r.info.status === 'running');
  }

  liveRun(dir: string): LiveRun | undefined {
    return this.live.get(path.resolve(dir));
  }

  /**
   * Run an experiment of `uri` (the named one, or the only one; a file with several asks which).
   * Resolves when the run ends; refuses in Restricted Mode.
   */
  async run(uri: vscode.Uri, experimentName?: string): Promise<RunOutcome | undefined> {
    if (!(await requireTrust())) return undefined;
    const document = await vscode.workspace.openTextDocument(uri);
    const file = uri.fsPath;
    const text = document.getText();
    // The same options as the Problems panel: a csv file flagged there is refused here, not read.
    const resolved = resolve(text, checkOptionsFor(uri));
    if (resolved.experiments.length === 0) {
      const errors = resolved.diagnostics.filter((d) => d.severity === 'error').length;
      const why = errors > 0 ? `has ${errors} error${errors === 1 ? '' : 's'}` : 'has no experiment';
      await showError(`${path.basename(file)} ${why}; nothing was run. The Problems panel lists ${errors === 1 ? 'it' : errors > 1 ? 'them' : 'what to add'}.`);
      return undefined;
    }
    let name = experimentName;
    if (name === undefined && resolved.experiments.length > 1) {
      name = await vscode.window.showQuickPick(
        resolved.experiments.map((e) => e.name),
        { title: 'Run which experiment?', placeHolder: `${path.basename(file)} has ${resolved.experiments.length} experiments` },
      );
      if (name === undefined) return undefined;
    }
    let chosen: ReturnType<typeof chooseRun>;
    try {
      chosen = chooseRun(resolved.experiments, name);
    } catch (e) {
      if (e instanceof ChoiceError || e instanceof RunRefused) {
        await showError(e instanceof RunRefused ? `Not run: ${e.message}` : e.message);
        return undefined;
      }
      throw e;
    }
    const config = vscode.workspace.getConfiguration('ntkexp');
    const backend = config.get<string>('backend', 'auto');
    const workers = config.get<number>('workers', 0);
    const threads = config.get<number>('threads', 0);
    const maxHours = config.get<number>('maxHours', DEFAULT_MAX_HOURS);
    const control: ExperimentRun = new ExperimentRun(
      {
        file,
        text,
        experiments: chosen.experiments,
        sweep: chosen.sweep,
        backend: backend === 'auto' ? undefined : (backend as BackendName),
        workers: workers > 0 ? workers : undefined,
        threads: threads > 0 ? threads : undefined,
        maxHours: maxHours > 0 ? maxHours : DEFAULT_MAX_HOURS,
      },
      {
        onRunStarted: (info, dir) => {
          const sweepDir = chosen.sweep ? path.dirname(dir) : undefined;
          const run: LiveRun = { dir: path.resolve(dir), info, records: [], sweepDir, control };
          this.live.set(run.dir, run);
          log().info(`run started: ${info.experiment} (${info.trials.length} trial(s), P = ${info.parameters}) → ${dir}`);
          this.emitter.fire({ kind: 'started', run });
        },
        onMessage: (message) => this.receive(message),
        onStderr: (line) => log().debug(`engine: ${line}`),
        onRunEnded: (info, summary) => {
          const run = this.findRun(info.id);
          if (!run) return;
          run.info = info;
          run.summary = summary;
          log().info(`run ${info.status}: ${info.experiment}${info.error ? ` — ${info.error}` : ''}`);
          if (info.stderr) log().error(`engine stderr (last lines):\n${info.stderr}`);
          this.emitter.fire({ kind: 'ended', run });
        },
        writeReport: (dir) => {
          const problem = writeReportSafely(dir);
          if (problem) log().warn(problem);
        },
      },
    );
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `NTK: ${chosen.sweep ?? chosen.experiments[0].name}`, cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => control.cancel());
          const sub = this.onDidChange((e) => {
            if (e.kind === 'message' && e.message.type === 'progress' && e.run.control === control) {
              const m = e.message;
              progress.report({ message: `trial ${m.trial + 1}: step ${m.step}/${m.steps}, loss ${orNaN(m.loss).toPrecision(4)}, ${m.measurements}/${m.measurements_total} measurements` });
            }
          });
          try {
            const outcome = await control.start();
            void this.announce(outcome);
            return outcome;
          } finally {
            sub.dispose();
          }
        },
      );
    } catch (e) {
      if (e instanceof RunRefused) {
        await showError(`Not run: ${e.message}`);
        return undefined;
      }
      log().error(e instanceof Error ? (e.stack ?? e.message) : String(e));
      await showError(`The run could not start: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  /** Stop one run (by folder) or every run in progress. */
  stop(dir?: string): number {
    const targets = dir ? [this.liveRun(dir)].filter((r): r is LiveRun => !!r) : this.running;
    const controls = new Set(targets.map((r) => r.control));
    for (const c of controls) c.cancel();
    return controls.size;
  }

  dispose(): void {
    this.stop();
    this.emitter.dispose();
  }

  private findRun(id: string): LiveRun | undefined {
    return [...this.live.values()].find((r) => r.info.id === id);
  }

  private receive(message: EngineMessage): void {
    const run = message.run ? this.findRun(message.run) : undefined;
    if (!run) return;
    if (message.type === 'started' && (run.info.backend !== message.backend || (message.compute && !run.info.compute))) {
      run.info = { ...run.info, backend: message.backend, ...(message.compute ? { compute: message.compute } : {}) };
    }
    if (message.type !== 'progress' && message.type !== 'params' && message.type !== 'started') run.records.push(message);
    if (message.type === 'failed') log().error(`trial ${message.trial} of ${run.info.experiment} failed: ${message.message}`);
    if (message.type === 'log') log()[message.level === 'error' ? 'error' : message.level === 'warning' ? 'warn' : 'info'](`${run.info.experiment} trial ${message.trial}: ${message.message}`);
    this.emitter.fire({ kind: 'message', run, message });
  }

  private async announce(outcome: RunOutcome): Promise<void> {
    const name = outcome.runs.length === 1 ? outcome.runs[0].info.experiment : path.basename(outcome.dir);
    if (outcome.status === 'finished') {
      const choice = await showInformation(`NTK: ${name} finished.`, 'Open Results');
      if (choice === 'Open Results') await vscode.commands.executeCommand('ntkexp.runs.open', outcome.dir);
    } else if (outcome.status === 'cancelled') {
      void showInformation(`NTK: ${name} was cancelled; what it measured is kept in ${outcome.dir}.`);
    } else {
      const reason = outcome.runs.find((r) => r.info.error)?.info.error ?? 'see the log';
      // The folder cannot tell it (its run.json still says "running"): the notification does.
      const unrecorded = outcome.runs.find((r) => r.unrecorded)?.unrecorded;
      const choice = await showError(`NTK: ${name} failed: ${reason}${unrecorded ? ` (and run.json could not record it: ${unrecorded})` : ''}`, 'Open Results');
      if (choice === 'Open Results') await vscode.commands.executeCommand('ntkexp.runs.open', outcome.dir);
    }
  }
}
