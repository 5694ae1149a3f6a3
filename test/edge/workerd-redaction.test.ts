import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decompressed, startLoopbackServer, type LoopbackServer } from '../../tools/loopback.ts';
import { JWT_SIG, SECRETS as S } from '../fixtures/secret-values.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { expectNoSecrets, expectVisible, secretsMissing, stringLeaves } from '../helpers/secret-assertions.ts';
import { startBundledWorker } from './bundled-worker.ts';
import { waitFor } from './edge-assertions.ts';

// A part of the secret table (test/fixtures/secret-table.ts) in a Worker bundled as users deploy it, in
// real workerd, exported by OTLP to a loopback receiver: no request body may hold a secret, and the records
// must still show the ordinary values. The same Worker with redaction off proves the rows can fail.

interface EdgeRow {
  readonly name: string;
  readonly path: string;
  readonly init?: Parameters<Miniflare['dispatchFetch']>[1];
  /** What the request exports, to wait for: its SERVER span (and CLIENT span), its log records. */
  readonly spans: number;
  readonly logs: number;
  readonly secrets: readonly string[];
  readonly visible: readonly string[];
}

const EDGE_ROWS: readonly EdgeRow[] = [
  {
    name: 'the incoming request’s headers, logged: Authorization',
    path: '/headers',
    init: { headers: { authorization: `Bearer ${S.edgeBearer}`, 'x-request-id': 'req-edge-42' } },
    spans: 1,
    logs: 1,
    secrets: [S.edgeBearer],
    visible: ['req-edge-42'],
  },
  {
    name: 'a login body, logged',
    path: '/login',
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bob', password: S.edgePassword }),
    },
    spans: 1,
    logs: 1,
    secrets: [S.edgePassword],
    visible: ['login', 'bob'],
  },
  { name: 'a thrown Error holding a JWT', path: '/jwt', spans: 1, logs: 0, secrets: [JWT_SIG.edge], visible: ['bad jwt'] },
  {
    name: 'an outbound fetch with ?token= (the CLIENT span’s url.full)',
    path: '/outbound',
    spans: 2,
    logs: 1,
    secrets: [S.edgeQueryToken],
    visible: ['stock lookup for order 7', 'id=7'],
  },
];

let receiver: OtlpReceiver;
let offReceiver: OtlpReceiver;
let backend: LoopbackServer;
let worker: Miniflare;
let workerOff: Miniflare;

beforeAll(async () => {
  [receiver, offReceiver, backend] = await Promise.all([startOtlpReceiver(), startOtlpReceiver(), startLoopbackServer()]);
  worker = await startBundledWorker('redaction-worker.ts', { OTLP_ENDPOINT: receiver.url, BACKEND_URL: backend.url });
  workerOff = await startBundledWorker('redaction-worker.ts', {
    OTLP_ENDPOINT: offReceiver.url,
    BACKEND_URL: backend.url,
    FAAS_OBSERVABILITY_REDACT: 'false',
  });
}, 60_000);

afterAll(async () => {
  await worker?.dispose();
  await workerOff?.dispose();
  await Promise.all([receiver?.close(), offReceiver?.close(), backend?.close()]);
});

/** Sends the row's request and waits for its export: the request bodies (uncompressed, as text) and records. */
async function send(mf: Miniflare, sink: OtlpReceiver, row: EdgeRow): Promise<{ wire: string[]; records: unknown[] }> {
  const at = { requests: sink.requests.length, spans: sink.spans.length, logs: sink.logs.length };
  await (await mf.dispatchFetch(`http://worker.test${row.path}`, row.init)).text();
  await waitFor(() => sink.spans.length - at.spans >= row.spans && sink.logs.length - at.logs >= row.logs);
  return {
    // Protobuf strings are their UTF-8 bytes: as latin1 text, an ASCII secret is a plain substring.
    wire: sink.requests.slice(at.requests).map((request) => decompressed(request).toString('latin1')),
    records: [sink.spans.slice(at.spans), sink.logs.slice(at.logs)],
  };
}

describe('secrets in a Worker in real workerd → OTLP', () => {
  it.each(EDGE_ROWS)('$name', async (row) => {
    const { wire, records } = await send(worker, receiver, row);
    expectNoSecrets(wire, row.secrets);
    expectVisible(stringLeaves(records), row.visible);
  });

  // After the rows above (a file's tests run in order): the requests that came after a row's wait too.
  it('no request the receiver got, late ones included (metrics), holds a secret of any row', () => {
    const wire = receiver.requests.map((request) => decompressed(request).toString('latin1'));
    expect(wire.length).toBeGreaterThan(EDGE_ROWS.length);
    const secrets = EDGE_ROWS.flatMap((row) => row.secrets);
    expectNoSecrets(wire, secrets);
  });

  it('with redaction off (FAAS_OBSERVABILITY_REDACT=false) every secret leaves: the rows can fail', async () => {
    const missing: string[] = [];
    for (const row of EDGE_ROWS) {
      const { wire } = await send(workerOff, offReceiver, row);
      missing.push(...secretsMissing(wire, row.secrets).map((secret) => `${row.name}: ${secret}`));
    }
    expect(missing).toEqual([]);
  });
});
