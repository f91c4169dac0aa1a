import { after } from 'node:test';

/** One implementation of a port under test, and how to let go of it. */
export interface Subject<T> {
  store: T;
  close(): Promise<void>;
}

/**
 * A fresh implementation for each test of a suite (call inside its describe); all of them are
 * closed after the suite.
 */
export function subjects<T>(make: () => Promise<Subject<T>>): () => Promise<T> {
  const opened: Subject<T>[] = [];
  after(async () => { await Promise.all(opened.map((s) => s.close())); });
  return async () => {
    const s = await make();
    opened.push(s);
    return s.store;
  };
}
