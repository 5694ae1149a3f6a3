import { Miniflare } from 'miniflare';
import type { Readable } from 'node:stream';

/** A Worker (bundled `code`) in real workerd whose stdout and stderr are kept, line by line. */
export function startWorkerWithStdio(code: string, bindings: Record<string, string>) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const collect = (into: string[]) => (stream: Readable) => {
    let rest = '';
    stream.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop()!;
      into.push(...lines);
    });
  };
  const mf = new Miniflare({
    modules: true,
    script: code,
    compatibilityDate: '2025-09-01',
    compatibilityFlags: ['nodejs_compat'],
    bindings,
    handleRuntimeStdio: (out: Readable, err: Readable) => {
      collect(stdout)(out);
      collect(stderr)(err);
    },
  });
  return { mf, stdout, stderr };
}
