// Hand-written on purpose: file-level cycle finders (madge, dpdm; `npm run check:cycles` runs madge)
// see review/a.ts → commands/b.ts → review/c.ts as acyclic because no FILE repeats, yet the two
// folders then depend on each other. This test reads the import statements of src/core (a plain
// regex is enough: the house style is one `import … from "…"` per statement), folds files into
// their folder and checks the folder graph against ARCHITECTURE.md's picture.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const CORE = resolve(dirname(fileURLToPath(import.meta.url)), "../../src/core");

/**
 * The core's layers, top to bottom: a folder may import its own layer's files and anything BELOW
 * it, never above. Files directly in src/core (errors.ts) belong to the bottom layer.
 */
const LAYERS: readonly (readonly string[])[] = [
  ["intake"],
  ["review", "commands"],
  ["permissions"],
  ["change-request"],
  ["render"],
  ["model", "ports", "(root)"],
];

/** ARCHITECTURE.md: adapters translate at the edge; the core never imports a platform, database or ACP library. */
const FORBIDDEN = /^(probot($|\/)|@octokit\/|@gitbeaker\/|pg($|\/)|node:sqlite$|@agentclientprotocol\/)/;

const IMPORT =
  /(?:^|[;\n])\s*(?:import|export)\s+(?:type\s+)?(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g;

interface Edge {
  from: string;
  to: string;
  /** One file-level import that makes the edge, for the failure message. */
  via: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

function folderOf(file: string): string {
  const parts = relative(CORE, file).split(sep);
  return parts.length === 1 ? "(root)" : parts[0]!;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(IMPORT)].map((m) => (m[1] ?? m[2])!);
}

function readCore(): { edges: Edge[]; folders: Set<string>; forbidden: string[] } {
  const edges = new Map<string, Edge>();
  const folders = new Set<string>();
  const forbidden: string[] = [];
  for (const file of sourceFiles(CORE)) {
    const from = folderOf(file);
    folders.add(from);
    for (const spec of importsOf(file)) {
      if (FORBIDDEN.test(spec)) forbidden.push(`${relative(CORE, file)} imports ${spec}`);
      if (!spec.startsWith(".")) continue;
      const target = resolve(dirname(file), spec);
      if (relative(CORE, target).startsWith("..")) continue; // outside the core (e.g. config/)
      const to = folderOf(target);
      if (to === from) continue;
      const key = `${from}→${to}`;
      if (!edges.has(key)) edges.set(key, { from, to, via: `${relative(CORE, file)} → ${spec}` });
    }
  }
  return { edges: [...edges.values()], folders, forbidden };
}

/**
 * Every elementary cycle, each as [a, b, …, a] starting at its smallest folder name; empty when
 * acyclic. Exhaustive search: the graph has about ten nodes.
 */
function findCycles(edges: readonly Pick<Edge, "from" | "to">[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const cycles: string[][] = [];
  for (const start of [...next.keys()].sort()) {
    const walk = (node: string, path: string[]): void => {
      for (const to of [...(next.get(node) ?? [])].sort()) {
        if (to === start) cycles.push([...path, start]);
        else if (to > start && !path.includes(to)) walk(to, [...path, to]);
      }
    };
    walk(start, [start]);
  }
  return cycles;
}

function describeCycle(cycle: string[], edges: readonly Edge[]): string {
  const steps = cycle.slice(0, -1).map((from, i) => {
    const edge = edges.find((e) => e.from === from && e.to === cycle[i + 1])!;
    return `  ${from} → ${cycle[i + 1]}   (${edge.via})`;
  });
  return `${cycle.join(" → ")}\n${steps.join("\n")}`;
}

describe("the core's folder graph", () => {
  const { edges, folders, forbidden } = readCore();

  it("reads the core it describes", () => {
    for (const folder of [
      "intake",
      "review",
      "commands",
      "permissions",
      "change-request",
      "render",
      "model",
      "ports",
    ]) {
      expect(folders).toContain(folder);
    }
    expect(edges.some((e) => e.from === "review" && e.to === "permissions")).toBe(true);
  });

  it("has no cycle between folders", () => {
    const cycles = findCycles(edges);
    expect(cycles.map((c) => describeCycle(c, edges)).join("\n\n"), `${cycles.length} folder cycle(s)`).toBe("");
  });

  it("imports only downwards through the layers", () => {
    const layerOf = new Map(LAYERS.flatMap((names, i) => names.map((n) => [n, i] as const)));
    const unknown = [...folders].filter((f) => !layerOf.has(f));
    expect(unknown, "core folders missing from LAYERS (place them in the picture)").toEqual([]);
    const bottom = LAYERS.length - 1;
    const allowed = (e: Edge): boolean => {
      const from = layerOf.get(e.from)!;
      const to = layerOf.get(e.to)!;
      // Siblings (review, commands) share through a lower layer; only the bottom layer's own parts meet.
      return to > from || (to === from && from === bottom);
    };
    const upwards = edges.filter((e) => !allowed(e)).map((e) => `${e.from} → ${e.to}   (${e.via})`);
    expect(upwards).toEqual([]);
  });

  it("imports no platform, database or ACP library", () => {
    expect(forbidden).toEqual([]);
  });
});

describe("findCycles", () => {
  it("finds every cycle, each once", () => {
    const cycles = findCycles([
      { from: "review", to: "commands" },
      { from: "commands", to: "render" },
      { from: "render", to: "review" },
      { from: "render", to: "model" },
      { from: "commands", to: "review" },
    ]);
    expect(cycles).toEqual([
      ["commands", "render", "review", "commands"],
      ["commands", "review", "commands"],
    ]);
  });

  it("finds nothing in a layered graph", () => {
    expect(
      findCycles([
        { from: "intake", to: "review" },
        { from: "review", to: "render" },
        { from: "intake", to: "render" },
      ]),
    ).toEqual([]);
  });
});
