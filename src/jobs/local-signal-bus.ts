// SignalBus for one process (embedded SQLite mode): an in-memory fan-out. Listeners run as
// microtasks, never inside `publish`, so a throwing listener can never break the code that stored
// the state being signalled.
import type { Logger } from "../core/ports/logger.js";
import type { SignalBus } from "../core/ports/signal-bus.js";

type Listener = (key: string) => void;

export function createLocalSignalBus(opts: { log?: Logger } = {}): SignalBus {
  const channels = new Map<string, Set<Listener>>();
  let closed = false;

  return {
    async publish(channel, key) {
      if (closed) return;
      const listeners = channels.get(channel);
      if (!listeners || listeners.size === 0) return;
      for (const listener of [...listeners]) {
        queueMicrotask(() => {
          try {
            listener(key);
          } catch (err) {
            opts.log?.warn({ err, channel }, "signal listener failed");
          }
        });
      }
    },

    async subscribe(channel, onSignal) {
      // A distinct wrapper per subscription, so subscribing the same function twice works.
      const listener: Listener = (key) => onSignal(key);
      let listeners = channels.get(channel);
      if (!listeners) {
        listeners = new Set();
        channels.set(channel, listeners);
      }
      listeners.add(listener);
      return async () => {
        const current = channels.get(channel);
        current?.delete(listener);
        if (current?.size === 0) channels.delete(channel);
      };
    },

    async close() {
      closed = true;
      channels.clear();
    },
  };
}
