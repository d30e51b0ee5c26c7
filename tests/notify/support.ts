/** Test support for tests/notify: a real HTTP receiver on 127.0.0.1 and read-only access to a project's event log. */
import http from 'node:http';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export type ReceiverMode = 'ok' | 'hang' | 'status500' | ((body: any) => number | Promise<number>);

export interface Receiver {
  url: string;
  /** Parsed bodies, in arrival order (one per request, retries included). */
  bodies: any[];
  close(): Promise<void>;
}

export function startReceiver(mode: ReceiverMode): Promise<Receiver> {
  const bodies: any[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (d) => (text += d));
    req.on('end', async () => {
      let body: any = text;
      try {
        body = JSON.parse(text);
      } catch {
        // kept as text; the test will show it
      }
      bodies.push(body);
      if (mode === 'hang') return; // never answers
      const status = mode === 'ok' ? 200 : mode === 'status500' ? 500 : await mode(body);
      res.writeHead(status).end(status < 300 ? 'ok' : 'no');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({
        url: `http://127.0.0.1:${port}/hook`,
        bodies,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}

/** A temp project with `.stepwise/` and the given files (hooks get mode 755). */
export function makeProject(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'stepwise-notify-'));
  mkdirSync(join(dir, '.stepwise', 'hooks'), { recursive: true });
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), text);
    if (p.includes('/hooks/')) chmodSync(join(dir, p), 0o755);
  }
  return dir;
}

export interface EventRow {
  event_id: number;
  job_id: string;
  timestamp: string;
  type: string;
  data: Record<string, any>;
}

/** Every event of the project's db, by event_id. */
export function readEvents(projectDir: string): EventRow[] {
  const db = new Database(join(projectDir, '.stepwise', 'stepwise.db'), { readonly: true });
  try {
    return (db.prepare('SELECT event_id, job_id, timestamp, type, data FROM events ORDER BY event_id').all() as any[]).map((r) => ({
      ...r,
      data: JSON.parse(r.data),
    }));
  } finally {
    db.close();
  }
}

export const ms = (iso: string): number => Date.parse(iso);

/** A three-step chain of real script steps (conformance c01 shape). */
export const CHAIN_FLOW = `name: chain
steps:
  a:
    run: echo '{"x": 1}'
    outputs: [x]
  b:
    run: 'echo "{\\"y\\": $((STEPWISE_INPUT_x + 1))}"'
    inputs: { x: a.x }
    outputs: [y]
  c:
    run: 'echo "{\\"z\\": $((STEPWISE_INPUT_y * 10))}"'
    inputs: { y: b.y }
    outputs: [z]
`;
