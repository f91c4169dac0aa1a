/**
 * A publisher's cached copy of a table in Redis that carries a version number. `refresh()` reads
 * the version with a Redis call issued after the caller asked, so that a caller whose send
 * finished learns of every change made before that moment. Callers share a refresh that has not
 * been issued yet (one Redis call for all the messages of a batch); once issued, later callers
 * wait for the next one.
 */
export class VersionedCache<T> {
  private current = -1;
  private queued: Promise<void> | null = null;
  private last: Promise<void> = Promise.resolve();

  constructor(
    public value: T,
    private readonly source: { version(): Promise<number>; load(): Promise<{ version: number; value: T }> },
  ) {}

  private readonly listeners: Array<() => void> = [];

  /**
   * `listener` runs each time a new value is in place, synchronously, before any caller of the
   * refresh that brought it resumes and before anything else reads the new value.
   */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  get version(): number { return this.current; }

  async start(): Promise<void> {
    await this.reload();
  }

  refresh(): Promise<void> {
    if (this.queued) return this.queued;
    const queued: Promise<void> = this.last.catch(() => undefined).then(() => {
      if (this.queued === queued) this.queued = null;
      return this.refreshNow();
    });
    this.queued = queued;
    this.last = queued;
    return queued;
  }

  private async refreshNow(): Promise<void> {
    if ((await this.source.version()) !== this.current) await this.reload();
  }

  private async reload(): Promise<void> {
    const { version, value } = await this.source.load();
    const changed = version !== this.current;
    this.value = value;
    this.current = version;
    if (changed) for (const listener of this.listeners) listener();
  }
}
