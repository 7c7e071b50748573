// A scripted model provider on loopback, so the real agents run full reviews offline: the agents
// are real, only the model's answers are scripted. It streams exactly as the real APIs do:
// Anthropic Messages (SSE events message_start, content_block_start/delta/stop, message_delta with
// stop_reason, message_stop) and OpenAI chat completions (chat.completion.chunk lines, then
// `data: [DONE]`). Script per conversation: while no tool result is in the conversation, ask the
// shell tool for `npm test`; once one is, answer with the final warden-report.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ScriptedRequest {
  api: "anthropic" | "openai";
  path: string;
  /** The conversation carries the tools a review uses (not a title or side request). */
  main: boolean;
  /** The conversation already holds a tool result; its text. */
  toolResult?: string;
  stream: boolean;
}

export interface ModelEndpoint {
  url: string;
  requests: ScriptedRequest[];
  /**
   * Names sent as `GET /marker/<name>`: how the fixture's commands and hooks, which run inside
   * the agent's sandbox (no write outside its workspace), say that they ran.
   */
  markers: Set<string>;
  close(): Promise<void>;
}

const REPORT = [
  "Reviewed the change.",
  "```warden-report",
  JSON.stringify({ summary: "The scripted model reviewed the change.", findings: [] }),
  "```",
].join("\n");

export async function startModelEndpoint(opts: { command?: string } = {}): Promise<ModelEndpoint> {
  const command = opts.command ?? "npm test";
  const requests: ScriptedRequest[] = [];
  const markers = new Set<string>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
      } catch {
        body = {};
      }
      handle(req, res, body);
    });
  });

  function handle(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>): void {
    const path = (req.url ?? "").split("?")[0] ?? "";
    const marker = /^\/marker\/([\w-]+)$/.exec(path);
    if (marker) {
      markers.add(marker[1]!);
      return json(res, { ok: true });
    }
    if (req.method === "POST" && path.endsWith("/messages")) return anthropic(res, body, path);
    if (req.method === "POST" && path.endsWith("/chat/completions")) return openai(res, body, path);
    if (path.endsWith("/count_tokens")) return json(res, { input_tokens: 100 });
    if (path.endsWith("/models")) return json(res, { data: [], object: "list" });
    json(res, { error: { type: "not_found", message: `not scripted: ${req.method} ${path}` } }, 404);
  }

  function anthropic(res: ServerResponse, body: Record<string, unknown>, path: string): void {
    const tools = Array.isArray(body.tools) ? (body.tools as Array<{ name?: string }>) : [];
    const main = tools.some((t) => t.name === "Bash");
    const toolResult = anthropicToolResult(body.messages);
    const stream = body.stream === true;
    requests.push({ api: "anthropic", path, main, stream, ...(toolResult !== undefined ? { toolResult } : {}) });
    const blocks: Array<
      { type: "text"; text: string } | { type: "tool_use"; id: string; name: string; input: unknown }
    > =
      main && toolResult === undefined
        ? [
            {
              type: "tool_use",
              id: `toolu_${requests.length}`,
              name: "Bash",
              input: { command, description: "Run the project's tests" },
            },
          ]
        : [{ type: "text", text: main ? REPORT : "Scripted title" }];
    const stopReason = blocks[0]?.type === "tool_use" ? "tool_use" : "end_turn";
    const message = {
      id: `msg_${requests.length}`,
      type: "message",
      role: "assistant",
      model: String(body.model ?? "claude-scripted"),
    };
    const usage = { input_tokens: 100, output_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    if (!stream) return json(res, { ...message, content: blocks, stop_reason: stopReason, stop_sequence: null, usage });
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    const event = (type: string, data: Record<string, unknown>) =>
      res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    event("message_start", {
      message: {
        ...message,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, output_tokens: 1 },
      },
    });
    blocks.forEach((block, index) => {
      if (block.type === "text") {
        event("content_block_start", { index, content_block: { type: "text", text: "" } });
        for (const piece of split(block.text))
          event("content_block_delta", { index, delta: { type: "text_delta", text: piece } });
      } else {
        event("content_block_start", {
          index,
          content_block: { type: "tool_use", id: block.id, name: block.name, input: {} },
        });
        for (const piece of split(JSON.stringify(block.input)))
          event("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: piece } });
      }
      event("content_block_stop", { index });
    });
    event("message_delta", { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: 20 } });
    event("message_stop", {});
    res.end();
  }

  function openai(res: ServerResponse, body: Record<string, unknown>, path: string): void {
    const tools = Array.isArray(body.tools) ? (body.tools as Array<{ function?: { name?: string } }>) : [];
    const main = tools.some((t) => t.function?.name === "bash");
    const messages = Array.isArray(body.messages) ? (body.messages as Array<{ role?: string; content?: unknown }>) : [];
    const tool = messages.find((m) => m.role === "tool");
    const toolResult = tool
      ? typeof tool.content === "string"
        ? tool.content
        : JSON.stringify(tool.content)
      : undefined;
    const stream = body.stream === true;
    requests.push({ api: "openai", path, main, stream, ...(toolResult !== undefined ? { toolResult } : {}) });
    const id = `chatcmpl-${requests.length}`;
    const created = Math.floor(Date.now() / 1000);
    const model = String(body.model ?? "scripted");
    const callTool = main && toolResult === undefined;
    const text = main ? REPORT : "Scripted title";
    const args = JSON.stringify({ command, description: "Run the project's tests" });
    const usage = { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 };
    if (!stream) {
      const message = callTool
        ? {
            role: "assistant",
            content: null,
            tool_calls: [{ id: "call_1", type: "function", function: { name: "bash", arguments: args } }],
          }
        : { role: "assistant", content: text };
      return json(res, {
        id,
        object: "chat.completion",
        created,
        model,
        choices: [{ index: 0, message, finish_reason: callTool ? "tool_calls" : "stop" }],
        usage,
      });
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    const chunk = (delta: Record<string, unknown>, finish: string | null, extra: Record<string, unknown> = {}) =>
      res.write(
        `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`,
      );
    if (callTool) {
      chunk(
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { index: 0, id: `call_${requests.length}`, type: "function", function: { name: "bash", arguments: "" } },
          ],
        },
        null,
      );
      for (const piece of split(args)) chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }, null);
      chunk({}, "tool_calls");
    } else {
      chunk({ role: "assistant", content: "" }, null);
      for (const piece of split(text)) chunk({ content: piece }, null);
      chunk({}, "stop");
    }
    // With stream_options.include_usage, a last chunk with no choices carries the usage.
    res.write(
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [], usage })}\n\n`,
    );
    res.write("data: [DONE]\n\n");
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    markers,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The text of the last tool_result block in an Anthropic conversation. */
function anthropicToolResult(messages: unknown): string | undefined {
  if (!Array.isArray(messages)) return undefined;
  let found: string | undefined;
  for (const message of messages as Array<{ content?: unknown }>) {
    if (!Array.isArray(message.content)) continue;
    for (const block of message.content as Array<{ type?: string; content?: unknown }>) {
      if (block.type !== "tool_result") continue;
      found = typeof block.content === "string" ? block.content : JSON.stringify(block.content ?? "");
    }
  }
  return found;
}

/** Streams arrive in pieces; so do these. */
function split(text: string): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += 24) pieces.push(text.slice(i, i + 24));
  return pieces.length > 0 ? pieces : [""];
}

function json(res: ServerResponse, body: unknown, status = 200): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
