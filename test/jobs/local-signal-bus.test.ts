import { describe, expect, it } from "vitest";
import { createLocalSignalBus } from "../../src/jobs/local-signal-bus.js";

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe("local signal bus", () => {
  it("delivers a key to every subscriber of the channel, never inside publish", async () => {
    const bus = createLocalSignalBus();
    const a: string[] = [];
    const b: string[] = [];
    await bus.subscribe("permission", (key) => a.push(key));
    await bus.subscribe("permission", (key) => b.push(key));
    await bus.subscribe("other", (key) => a.push(`other:${key}`));
    const published = bus.publish("permission", "p-abc123");
    expect(a).toEqual([]);
    await published;
    await flush();
    expect(a).toEqual(["p-abc123"]);
    expect(b).toEqual(["p-abc123"]);
  });

  it("stops delivering after unsubscribe and after close; a throwing listener harms no one", async () => {
    const bus = createLocalSignalBus();
    const seen: string[] = [];
    await bus.subscribe("c", () => {
      throw new Error("listener bug");
    });
    const off = await bus.subscribe("c", (key) => seen.push(key));
    await bus.publish("c", "1");
    await flush();
    await off();
    await bus.publish("c", "2");
    await flush();
    await bus.subscribe("c", (key) => seen.push(`late:${key}`));
    await bus.close();
    await bus.publish("c", "3");
    await flush();
    expect(seen).toEqual(["1"]);
  });
});
