/**
 * Whether this edge takes one more device: not while it drains, not past its connection capacity
 * (EDGE_CAPACITY). A refused CONNECT gets CONNACK 3 (server unavailable), which makes clients try
 * again, through assignment, elsewhere.
 */
export class Admission {
  private drainingSince: number | null = null;
  readonly stats = { refusedFull: 0, refusedDraining: 0 };

  constructor(private readonly capacity: number, private readonly connections: () => number) {}

  /** Why a new connection is refused now, or null when it is welcome. */
  refusal(): 'draining' | 'full' | null {
    if (this.drainingSince !== null) {
      this.stats.refusedDraining++;
      return 'draining';
    }
    if (this.connections() >= this.capacity) {
      this.stats.refusedFull++;
      return 'full';
    }
    return null;
  }

  drain(): void {
    this.drainingSince ??= Date.now();
  }

  get draining(): boolean {
    return this.drainingSince !== null;
  }
}
