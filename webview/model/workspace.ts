/**
 * All the runs a page shows: one for a run's panel or report, several for a sweep or a comparison.
 * Messages are routed to their run by the `run` field (messages without one go to the only run, or to
 * the run named ''), envelopes attach run.json, summary.json and sweep.json.
 */
import { describeSkipped, type Skipped } from '../../src/contracts/checks';
import type { PanelMessage } from '../../src/contracts/panelMessages';
import { RunModel } from './runModel';
import type { EngineMessage, SweepInfo, SweepSummary } from './types';

/** Notices kept at most (each says something different; a flood of them helps nobody). */
const MAX_NOTICES = 20;

export class Workspace {
  private readonly models = new Map<string, RunModel>();
  sweep?: { info: SweepInfo; summary?: SweepSummary };
  private changes = 0;
  private readonly fileNotices: string[] = [];
  /** Live records that failed validation, over every batch since the last reset. */
  private liveSkipped?: { count: number; first: string };

  get version(): number {
    return this.changes;
  }

  /** The run with this id, created on first use. */
  run(id: string): RunModel {
    let m = this.models.get(id);
    if (!m) {
      m = new RunModel(id);
      this.models.set(id, m);
      this.changes++;
    }
    return m;
  }

  get(id: string): RunModel | undefined {
    return this.models.get(id);
  }

  /** Run ids: a sweep's in its order, then any others in the order they arrived. */
  runIds(): string[] {
    const ids = [...this.models.keys()];
    const order = this.sweep?.info.runs.map((r) => r.id) ?? [];
    const rank = (id: string): number => {
      const i = order.indexOf(id);
      return i < 0 ? order.length + ids.indexOf(id) : i;
    };
    return ids.sort((a, b) => rank(a) - rank(b));
  }

  runs(): RunModel[] {
    return this.runIds().map((id) => this.models.get(id)!);
  }

  /** What the page should say about the data: notices from the extension, then the live records skipped. */
  notices(): string[] {
    const live = this.liveSkipped && describeSkipped(this.liveSkipped, 'live updates');
    return live ? [...this.fileNotices, live] : [...this.fileNotices];
  }

  /** Members of a batch that failed validation (the rest was ingested): counted, the first reason kept. */
  skipped(s: Skipped): void {
    this.liveSkipped = { count: (this.liveSkipped?.count ?? 0) + s.count, first: this.liveSkipped?.first ?? s.first };
    this.changes++;
  }

  /** Take one validated message. Returns whether anything changed. */
  ingest(message: PanelMessage): boolean {
    let changed: boolean;
    switch (message.type) {
      case 'batch':
        changed = false;
        for (const m of message.messages) changed = this.ingestEngine(m) || changed;
        break;
      case 'runInfo':
        this.run(message.info.id).info = message.info;
        changed = true;
        break;
      case 'summary':
        this.run(message.summary.run).summary = message.summary;
        changed = true;
        break;
      case 'sweepInfo':
        this.sweep = { info: message.info, ...(message.summary ? { summary: message.summary } : {}) };
        changed = true;
        break;
      case 'notice':
        changed = !this.fileNotices.includes(message.text) && this.fileNotices.length < MAX_NOTICES;
        if (changed) this.fileNotices.push(message.text);
        break;
      case 'reset':
        this.models.clear();
        this.sweep = undefined;
        this.fileNotices.length = 0;
        this.liveSkipped = undefined;
        changed = true;
        break;
      default:
        changed = this.ingestEngine(message);
    }
    if (changed) this.changes++;
    return changed;
  }

  private ingestEngine(m: EngineMessage): boolean {
    return this.run(this.routeOf(m)).ingest(m);
  }

  private routeOf(m: EngineMessage): string {
    if (m.run !== undefined) return m.run;
    if (this.models.size === 1) return this.models.keys().next().value!;
    return '';
  }
}
