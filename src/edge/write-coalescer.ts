/** The parts of a socket the coalescer uses (node's Writable). */
export interface Corkable {
  cork(): void;
  uncork(): void;
  readonly destroyed: boolean;
}

export interface WriteCoalescerStats {
  /** Times corked sockets were flushed (one writev each). */
  flushes: number;
}

/**
 * One socket write per device per turn of the event loop instead of one per packet.
 *
 * aedes writes every delivery in its own setImmediate callback, and mqtt-packet uncorks the socket
 * right after each packet: fanning a RocketMQ batch out to 50 devices made one writev syscall per
 * message per device, and those syscalls were half of the delivering edge's CPU. A socket held here
 * stays corked while packets are handed to aedes for it; once per turn of the loop, after aedes'
 * writes of that turn, every held socket is uncorked (one writev with everything written since)
 * and corked again if more packets for it are still on their way. So a device waits at most one
 * turn of the loop longer, and nothing stays corked once no more packets are coming for it.
 */
export class WriteCoalescer {
  readonly stats: WriteCoalescerStats = { flushes: 0 };
  /** Held sockets and how many handed-over packets each still expects aedes to write. */
  private readonly held = new Map<Corkable, number>();
  private scheduled = false;

  /** A packet for `socket` is being handed to aedes: keep the socket corked until the next flush. */
  hold(socket: Corkable): void {
    if (socket.destroyed) return;
    const n = this.held.get(socket);
    if (n === undefined) {
      socket.cork();
      this.held.set(socket, 1);
      this.schedule();
    } else {
      this.held.set(socket, n + 1);
    }
  }

  /** aedes has written (or dropped) one of the packets held for `socket`. */
  release(socket: Corkable): void {
    const n = this.held.get(socket);
    if (n !== undefined && n > 0) this.held.set(socket, n - 1);
  }

  /** Held sockets, now (for tests). */
  get size(): number { return this.held.size; }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // After the current callback's writes are queued (nextTick), behind aedes' write callbacks
    // that this callback queued (setImmediate keeps order).
    process.nextTick(() => setImmediate(this.flush));
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    for (const [socket, expected] of this.held) {
      if (!socket.destroyed) {
        socket.uncork();
        this.stats.flushes++;
      }
      if (expected > 0 && !socket.destroyed) {
        // aedes' writes queued after this flush still come in this turn: keep them together too.
        socket.cork();
      } else {
        this.held.delete(socket);
      }
    }
    if (this.held.size > 0) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  };
}
