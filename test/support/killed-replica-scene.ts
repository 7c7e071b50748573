// The set-up the killed-replica tests share: fresh PostgreSQL schemas, the replica options both
// replicas use, and a teardown after the file that kills/stops what the test started (it may fail
// half-way, leaving any of them running) and drops the schemas.
import { afterAll } from "vitest";
import type { ReplicaOptions } from "../../src/replicas.js";
import type { Harness } from "./harness.js";
import { freshSchemas } from "./postgres.js";
import type { ReplicaProcess } from "./replica-process.js";

export interface KilledReplicaScene {
  replicas: ReplicaOptions;
  /** Has `started` stopped (a harness) or killed (a replica process) after the file's tests. */
  own<T extends Harness | ReplicaProcess>(started: T): T;
}

export function killedReplicaScene(leaseMs: number): KilledReplicaScene {
  const schemas = freshSchemas();
  const owned: Array<Harness | ReplicaProcess> = [];
  afterAll(async () => {
    // The last started first: the replicas before the host whose fake GitHub they call.
    for (const started of owned.reverse()) await ("kill" in started ? started.kill() : started.stop());
    await schemas.drop();
  });
  return {
    replicas: { schema: schemas.schema, workerSchema: schemas.workerSchema, leaseMs, pollIntervalMs: 200 },
    own(started) {
      owned.push(started);
      return started;
    },
  };
}
