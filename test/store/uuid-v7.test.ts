import { describe, expect, it } from "vitest";
import { createUuidV7Generator } from "../../src/store/uuid-v7.js";

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("createUuidV7Generator", () => {
  it("produces version 7 UUIDs carrying the millisecond timestamp", () => {
    const ms = Date.UTC(2026, 1, 18, 2, 33, 44);
    const id = createUuidV7Generator(() => ms)();
    expect(id).toMatch(V7);
    expect(parseInt(id.replace(/-/g, "").slice(0, 12), 16)).toBe(ms);
  });

  it("sorts in creation order within one millisecond and when the clock steps back", () => {
    let ms = 1_000_000;
    const next = createUuidV7Generator(() => ms);
    const ids: string[] = [];
    for (let i = 0; i < 5000; i++) {
      if (i === 2500) ms -= 10;
      ids.push(next());
    }
    expect(ids.every((id) => V7.test(id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
