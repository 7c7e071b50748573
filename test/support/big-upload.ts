// Streams a large webhook body to a route without holding it in memory (1 MB of filler at a
// time, honouring backpressure), and samples the process's RSS while it runs: the server under
// test lives in this process, so a server that buffers the body shows up in the peak.
import { request } from "node:http";

export interface BigUploadResult {
  status: number;
  body: string;
  /** Bytes the client managed to hand to its socket before the answer (or the cut). */
  sent: number;
  rssBeforeMb: number;
  peakRssMb: number;
}

const CHUNK = Buffer.alloc(1024 * 1024, 0x20);

export async function bigUpload(
  port: number,
  path: string,
  headers: Record<string, string>,
  totalBytes: number,
  opts: { declareLength: boolean },
): Promise<BigUploadResult> {
  const rssBefore = process.memoryUsage.rss();
  let peak = rssBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  let sent = 0;
  try {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      let answered = false;
      const all = { ...headers, ...(opts.declareLength ? { "content-length": String(totalBytes) } : {}) };
      const req = request({ host: "127.0.0.1", port, path, method: "POST", headers: all, agent: false }, (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      });
      // The server cuts the connection after answering 413: write errors after the answer are expected.
      req.on("error", (err) => {
        if (!answered) reject(err);
      });
      const pump = () => {
        while (!answered && sent < totalBytes) {
          const piece = totalBytes - sent >= CHUNK.length ? CHUNK : CHUNK.subarray(0, totalBytes - sent);
          sent += piece.length;
          if (!req.write(piece)) return void req.once("drain", pump);
        }
        if (!answered) req.end();
      };
      pump();
    });
    return {
      ...answer,
      sent,
      rssBeforeMb: rssBefore / 2 ** 20,
      peakRssMb: Math.max(peak, process.memoryUsage.rss()) / 2 ** 20,
    };
  } finally {
    clearInterval(sampler);
  }
}
