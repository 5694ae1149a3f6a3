// The redaction bench's lines (redaction-lines.ts) through the wrapped handler. BENCH_REDACT picks the option:
// `off` (redact: false, the plain bridge), `default` (no option: records redacted) or `stdout` (the line too).
import { ExportResultCode } from '@opentelemetry/core';
import { withObservability } from '../../src/lambda.ts';
import { writeLines } from './redaction-lines.ts';

// BENCH_NOOP_EXPORT isolates the instrumentation cost from the network (the bench turns metrics off beside it).
const noop = {
  export: (_items: unknown[], done: (r: { code: number }) => void) => done({ code: ExportResultCode.SUCCESS }),
  forceFlush: async () => {},
  shutdown: async () => {},
};
const exporters = process.env.BENCH_NOOP_EXPORT ? { spanExporter: noop, logExporter: noop } : {};
const REDACT = { off: { redact: false }, default: {}, stdout: { redact: { stdout: true } } } as const;
const redact = REDACT[(process.env.BENCH_REDACT ?? 'default') as keyof typeof REDACT];

export const handler = withObservability(
  async (event: { i: number }, _context: unknown) => {
    writeLines();
    return { statusCode: 200, body: String(event.i) };
  },
  { ...exporters, ...redact },
);
