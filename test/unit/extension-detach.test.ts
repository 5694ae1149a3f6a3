import { createServer } from 'node:http';
import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { describe, expect, it, vi } from 'vitest';
import { createLambdaObservability, startPostResponseFlush } from '../../src/lambda.ts';
import { LAMBDA_ENV } from '../helpers/lambda-context.ts';

// The extension's flush list is process-wide: a setup that shut down leaves it, so SIGTERM flushes only the
// setups still running (a shut-down setup's providers are gone; flushing it again would only cost time).

/** A local Extensions API: registration answered, /event/next held open (no event ever comes). */
async function extensionsApi(): Promise<string> {
  const server = createServer((request, response) => {
    request.resume().on('end', () => {
      if (request.url?.endsWith('/register')) response.writeHead(200, { 'Lambda-Extension-Identifier': 'ext-1' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  return `127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe('the extension and setups that shut down', () => {
  it('SIGTERM flushes the setups still attached, not one that shut down', async () => {
    const env = { ...LAMBDA_ENV, AWS_LAMBDA_RUNTIME_API: await extensionsApi(), AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand' };
    expect(await startPostResponseFlush(env)).toBe(true);
    const exporters = () => ({ spanExporter: new InMemorySpanExporter(), logExporter: new InMemoryLogRecordExporter() });
    const a = createLambdaObservability({ serviceName: 'a', ...exporters() }, env);
    const b = createLambdaObservability({ serviceName: 'b', ...exporters() }, env);
    const flushA = vi.spyOn(a.telemetry!, 'flush');
    const flushB = vi.spyOn(b.telemetry!, 'flush');
    await b.shutdown();
    flushB.mockClear();
    // Our own listener stays (this file runs in a process of its own), so the extension's does not end the
    // test process after its flush.
    process.on('SIGTERM', () => {});
    process.emit('SIGTERM');
    await vi.waitFor(() => expect(flushA).toHaveBeenCalled(), { timeout: 10_000 });
    expect(flushB).not.toHaveBeenCalled();
    await a.shutdown();
  });
});
