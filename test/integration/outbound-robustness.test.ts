import { get } from 'node:http';
import { DiagLogLevel } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiagnostics } from '../../src/core/diagnostics.ts';
import { installOutboundChannels } from '../../src/lambda/outbound-channels.ts';
import { startLoopbackServer, type LoopbackServer } from '../../tools/loopback.ts';

let server: LoopbackServer;
beforeAll(async () => {
  server = await startLoopbackServer();
});
afterAll(() => server.close());

function httpGet(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    }).on('error', reject);
  });
}

describe('a failing instrumentation never fails the request', () => {
  it.each([
    ['fetch', (url: string) => fetch(url).then((r) => r.status)],
    ['node:http', (url: string) => httpGet(url)],
  ])('%s: a tracer that throws leaves the request to go out untraced, with a debug line', async (_name, call) => {
    const written: string[] = [];
    const write = (...args: unknown[]) => written.push(args.map(String).join(' '));
    const diagnostics = createDiagnostics(DiagLogLevel.DEBUG, { error: write, warn: write, info: write, debug: write });
    const uninstall = installOutboundChannels(
      {
        start: () => {
          throw new Error('broken tracer');
        },
      },
      diagnostics,
    );
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      expect(await call(`${server.url}/robust`)).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      process.off('uncaughtException', onUncaught);
      uninstall();
    }
    expect(uncaught).toEqual([]);
    expect(written.some((line) => line.includes('outbound instrumentation failed') && line.includes('broken tracer'))).toBe(true);
  });
});
