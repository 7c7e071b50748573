// Time-ordered UUIDs (RFC 9562 version 7). Run ids double as the tie-breaker when two runs share a
// `created_at` millisecond, so "oldest first" stays creation order within a process.
import { randomFillSync } from "node:crypto";

export type UuidGenerator = () => string;

/** The 12-bit `rand_a` field is a counter within one millisecond (RFC 9562 §6.2, method 1). */
export function createUuidV7Generator(now: () => number = Date.now): UuidGenerator {
  let lastMs = -1;
  let counter = 0;
  // Random bytes drawn 4 KiB at a time: one CSPRNG call per id cost more than the rest of the id.
  const pool = Buffer.alloc(16 * 256);
  let offset = pool.length;
  return () => {
    let ms = now();
    if (ms <= lastMs) {
      ms = lastMs;
      counter += 1;
      if (counter > 0xfff) {
        ms += 1;
        counter = 0;
      }
    } else {
      counter = 0;
    }
    lastMs = ms;

    if (offset === pool.length) {
      randomFillSync(pool);
      offset = 0;
    }
    const bytes = Buffer.from(pool.subarray(offset, (offset += 16)));
    bytes.writeUIntBE(ms, 0, 6);
    bytes[6] = 0x70 | (counter >> 8);
    bytes[7] = counter & 0xff;
    bytes[8] = 0x80 | (bytes[8]! & 0x3f);
    const hex = bytes.toString("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
}
