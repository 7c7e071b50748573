// SignalBus across replicas: PostgreSQL LISTEN/NOTIFY. One dedicated connection per replica
// listens on every subscribed channel and reconnects (re-listening) when it drops; publishing goes
// through a pool. The payload is only the key: the state itself is stored before the publish, so
// a notification lost while reconnecting delays a waiter (its periodic re-check) but loses nothing.
import pg from "pg";
import type { Logger } from "../core/ports/logger.js";
import type { SignalBus } from "../core/ports/signal-bus.js";

export interface PgSignalBusOptions {
  connectionString: string;
  /**
   * Prefix of the NOTIFY channel names. Notifications are database-wide, so deployments (and
   * tests) sharing a database use different namespaces. Default "warden".
   */
  namespace?: string;
  /** Pool to publish through; by default the bus opens a small one of its own. */
  pool?: pg.Pool;
  log: Logger;
  /** Backoff between reconnect attempts (ms); doubles from `min` up to `max`. */
  reconnectDelayMs?: { min: number; max: number };
}

type Listener = (key: string) => void;

/** PostgreSQL identifiers (and so channel names) are cut at 63 bytes; longer names would collide. */
const MAX_CHANNEL_BYTES = 63;

export function createPgSignalBus(opts: PgSignalBusOptions): SignalBus & { ready(): Promise<void> } {
  const namespace = opts.namespace ?? "warden";
  const delays = opts.reconnectDelayMs ?? { min: 100, max: 5_000 };
  const log = opts.log;
  const ownPool = opts.pool === undefined;
  const pool = opts.pool ?? new pg.Pool({ connectionString: opts.connectionString, max: 2 });
  if (ownPool) {
    const onLost = (err: Error) => log.warn({ err }, "PostgreSQL connection of the signal bus lost");
    pool.on("error", onLost);
    pool.on("connect", (client) => client.on("error", onLost));
  }

  const listeners = new Map<string, Set<Listener>>();
  let client: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let closed = false;
  let attempt = 0;
  let retryTimer: NodeJS.Timeout | undefined;

  function channelName(channel: string): string {
    const name = `${namespace}:${channel}`;
    if (Buffer.byteLength(name) > MAX_CHANNEL_BYTES) {
      throw new RangeError(`signal channel "${name}" is longer than ${MAX_CHANNEL_BYTES} bytes`);
    }
    return name;
  }

  function onNotification(msg: pg.Notification): void {
    const set = listeners.get(msg.channel);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(msg.payload ?? "");
      } catch (err) {
        log.error({ err, channel: msg.channel }, "signal listener failed");
      }
    }
  }

  async function connect(): Promise<void> {
    const next = new pg.Client({
      connectionString: opts.connectionString,
      application_name: `warden-signals:${namespace}`,
    });
    next.on("notification", onNotification);
    // Both fire when the connection drops; either one schedules the reconnect, once.
    const lost = (err?: Error) => {
      if (client !== next) return;
      client = undefined;
      next.removeAllListeners("notification");
      void next.end().catch(() => undefined);
      if (closed) return;
      log.warn({ err }, "signal bus connection lost; reconnecting");
      scheduleReconnect();
    };
    next.on("error", lost);
    next.on("end", () => lost());
    await next.connect();
    if (closed) {
      await next.end().catch(() => undefined);
      return;
    }
    client = next;
    // Channels subscribed while disconnected (or before) are listened to now.
    for (const name of listeners.keys()) await next.query(`LISTEN ${next.escapeIdentifier(name)}`);
    if (attempt > 0) log.info({ attempts: attempt }, "signal bus reconnected");
    attempt = 0;
  }

  function ensureConnected(): Promise<void> {
    if (client || closed) return Promise.resolve();
    connecting ??= connect().finally(() => {
      connecting = undefined;
    });
    return connecting;
  }

  function scheduleReconnect(): void {
    if (closed || retryTimer) return;
    const delay = Math.min(delays.max, delays.min * 2 ** Math.min(attempt, 16));
    attempt += 1;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      ensureConnected().catch((err: unknown) => {
        log.warn({ err, attempt }, "signal bus could not reconnect");
        scheduleReconnect();
      });
    }, delay);
    retryTimer.unref();
  }

  return {
    /** Resolves once the listening connection is up (start-up, tests). */
    async ready() {
      await ensureConnected();
    },

    async publish(channel, key) {
      await pool.query("select pg_notify($1, $2)", [channelName(channel), key]);
    },

    async subscribe(channel, onSignal) {
      const name = channelName(channel);
      let set = listeners.get(name);
      const first = set === undefined;
      if (!set) {
        set = new Set();
        listeners.set(name, set);
      }
      set.add(onSignal);
      if (first) {
        try {
          await ensureConnected();
          // LISTEN is idempotent: harmless when connect() has just listened to it too.
          if (client) await client.query(`LISTEN ${client.escapeIdentifier(name)}`);
        } catch (err) {
          // The reconnect loop listens to every registered channel once the database is back.
          log.warn({ err, channel: name }, "could not listen yet; will on reconnect");
          scheduleReconnect();
        }
      }
      return async () => {
        const current = listeners.get(name);
        if (!current?.delete(onSignal) || current.size > 0) return;
        listeners.delete(name);
        await client?.query(`UNLISTEN ${client.escapeIdentifier(name)}`).catch(() => undefined);
      };
    },

    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      await connecting?.catch(() => undefined);
      const current = client;
      client = undefined;
      listeners.clear();
      await current?.end().catch(() => undefined);
      if (ownPool) await pool.end();
    },
  };
}
