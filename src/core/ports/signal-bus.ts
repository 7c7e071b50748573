// Cross-process signals.

/**
 * Wakes whoever waits on a key (a permission request id) once its new state is STORED. In one
 * process an event emitter; across replicas e.g. PostgreSQL LISTEN/NOTIFY. Listeners re-read the
 * store, so a lost notification only delays (a periodic re-check covers it), never loses a decision.
 */
export interface SignalBus {
  publish(channel: string, key: string): Promise<void>;
  /** Returns an unsubscribe function. */
  subscribe(channel: string, onSignal: (key: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
