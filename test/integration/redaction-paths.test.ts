import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLambdaObservability, type LambdaObservability } from '../../src/lambda.ts';
import { CONSOLE_METHODS } from '../../src/core/console-originals.ts';
import { closedEndpoint, decompressed, startLoopbackServer, type LoopbackServer } from '../../tools/loopback.ts';
import { SECRET_TABLE, type SecretRow } from '../fixtures/secret-table.ts';
import { LAMBDA_ENV, lambdaContext } from '../helpers/lambda-context.ts';
import { startLokiReceiver, type LokiReceiver } from '../helpers/loki-receiver.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { expectNoSecrets, expectVisible, secretsMissing, stringLeaves } from '../helpers/secret-assertions.ts';

// The secret table (test/fixtures/secret-table.ts) through a wrapped Lambda handler, in process, by each way
// the records leave: OTLP to a loopback collector, the Loki fallback, the stdout last resort. What is checked
// is what left as bytes (request bodies uncompressed, fallback lines), so no field anywhere may hold a
// secret; the decoded records must still show the ordinary values. The user's own console lines are not an
// export path (they stay unredacted by default): the console methods here are no-ops beneath the bridge.

let otlp: OtlpReceiver;
let loki: LokiReceiver;
let backend: LoopbackServer;
let closed: string;
/** The last resort's lines (log records, spans, EMF metric documents) written to stdout. */
const fallbackLines: string[] = [];
const savedConsole = new Map<string, unknown>();
const slot = console as unknown as Record<string, unknown>;
const savedWrite = process.stdout.write;
const isFallbackLine = (line: string) => line.startsWith('{"undelivered_') || line.includes('"_aws":');

beforeAll(async () => {
  [otlp, loki, backend, closed] = await Promise.all([startOtlpReceiver(), startLokiReceiver(), startLoopbackServer(), closedEndpoint()]);
  for (const method of CONSOLE_METHODS) {
    savedConsole.set(method, slot[method]);
    slot[method] = () => {};
  }
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    const lines = String(chunk).split('\n');
    fallbackLines.push(...lines.filter(isFallbackLine));
    return lines.some(isFallbackLine) ? true : savedWrite.call(process.stdout, chunk, ...rest);
  }) as typeof process.stdout.write;
});

afterAll(async () => {
  process.stdout.write = savedWrite;
  for (const [method, fn] of savedConsole) slot[method] = fn;
  await Promise.all([otlp?.close(), loki?.close(), backend?.close()]);
});

/** What left by every sink since `mark()`: the texts on the wire, and the records decoded from them. */
interface Output {
  readonly otlpBodies: string[];
  readonly lokiBodies: string[];
  readonly lines: string[];
  readonly records: unknown[];
}

function mark(): () => Output {
  const at = { requests: otlp.requests.length, logs: otlp.logs.length, spans: otlp.spans.length, loki: loki.bodies.length };
  const entries = loki.entries.length;
  const lines = fallbackLines.length;
  return () => {
    const written = fallbackLines.slice(lines);
    return {
      // Protobuf strings are their UTF-8 bytes: as latin1 text, an ASCII secret is a plain substring.
      otlpBodies: otlp.requests.slice(at.requests).map((request) => decompressed(request).toString('latin1')),
      lokiBodies: loki.bodies.slice(at.loki),
      lines: written,
      records: [otlp.logs.slice(at.logs), otlp.spans.slice(at.spans), loki.entries.slice(entries), written.map((l) => JSON.parse(l))],
    };
  };
}

const onTheWire = (out: Output) => [...out.otlpBodies, ...out.lokiBodies, ...out.lines];

/** One way out: the environment that sends the records that way, and what it carried (proof it was taken). */
interface ExportPath {
  readonly name: string;
  readonly env: () => Record<string, string>;
  readonly carried: (out: Output) => string[];
}

const PATHS: readonly ExportPath[] = [
  { name: 'OTLP to the collector', env: () => ({ OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url }), carried: (out) => out.otlpBodies },
  {
    name: 'Loki fallback (collector refusing)',
    env: () => ({ OTEL_EXPORTER_OTLP_ENDPOINT: closed, FAAS_OBSERVABILITY_LOKI_URL: loki.url }),
    carried: (out) => out.lokiBodies,
  },
  {
    name: 'stdout fallback (collector and Loki refusing)',
    env: () => ({ OTEL_EXPORTER_OTLP_ENDPOINT: closed, FAAS_OBSERVABILITY_LOKI_URL: closed }),
    carried: (out) => out.lines,
  },
];

function setup(env: Record<string, string>): LambdaObservability {
  const observability = createLambdaObservability({}, { ...LAMBDA_ENV, ...env });
  observability.telemetry!.diagnostics.warn = () => {}; // the refused exports' warnings: stderr, not an export path
  return observability;
}

/** One invocation running the row; returns what left during it (flushed before the invocation settles). */
async function invoke(observability: LambdaObservability, row: SecretRow): Promise<Output> {
  const taken = mark();
  const handler = observability.wrap(async (event: Record<string, any>, _context: unknown) => row.act(event, backend.url));
  await handler(row.event?.() ?? {}, lambdaContext()).catch((error: unknown) => {
    if (!row.throws) throw error;
  });
  return taken();
}

describe.each(PATHS)('the secret table → $name', (path) => {
  let observability: LambdaObservability;
  beforeAll(() => {
    observability = setup(path.env());
  });
  afterAll(() => observability?.shutdown());

  it.each(SECRET_TABLE)('$name', async (row) => {
    const out = await invoke(observability, row);
    expect(path.carried(out).length, `nothing left by ${path.name}`).toBeGreaterThan(0);
    expectNoSecrets(onTheWire(out), row.secrets);
    expectVisible(stringLeaves(out.records), row.visible);
  });

  it('with redaction off (FAAS_OBSERVABILITY_REDACT=false) every secret of the table leaves this way: the rows can fail', async () => {
    const off = setup({ ...path.env(), FAAS_OBSERVABILITY_REDACT: 'false' });
    try {
      const missing: string[] = [];
      for (const row of SECRET_TABLE) {
        const out = await invoke(off, row);
        expect(path.carried(out).length, `nothing left by ${path.name}`).toBeGreaterThan(0);
        missing.push(...secretsMissing(onTheWire(out), row.secrets).map((secret) => `${row.name}: ${secret}`));
      }
      expect(missing).toEqual([]);
    } finally {
      await off.shutdown();
    }
  });
});
