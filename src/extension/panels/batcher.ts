/**
 * Live updates to a panel at most every `intervalMs` (default 100 ms: ten posts a second, Chart.js's
 * performance guide), as one `{type: 'batch'}` message holding everything since the last post. The
 * full data stays with the run manager; a panel that reopens gets a replay, not these batches.
 */
export class MessageBatcher<T> {
  private buffer: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private last = 0;

  constructor(
    private readonly post: (batch: T[]) => void,
    private readonly intervalMs = 100,
    private readonly now: () => number = Date.now,
  ) {}

  push(message: T): void {
    this.buffer.push(message);
    if (this.timer) return;
    const wait = Math.max(0, this.last + this.intervalMs - this.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Post what is buffered now (also cancels the pending timer). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.last = this.now();
    this.post(batch);
  }

  /** Drop what is buffered (a replay is about to send everything). */
  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.buffer = [];
  }

  dispose(): void {
    this.clear();
  }
}
