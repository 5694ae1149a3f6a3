import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BUDGETS, buildArtifact, findFunctions } from '../../tools/build-artifacts.ts';
import { deterministicZip } from '../../tools/deterministic-zip.ts';

/** Reads a ZIP's entries back (local headers), inflating each, to check what was written. */
function readZip(zip: Buffer): { name: string; data: Buffer; date: number }[] {
  const entries = [];
  for (let offset = 0; zip.readUInt32LE(offset) === 0x04034b50;) {
    const size = zip.readUInt32LE(offset + 18);
    const nameLength = zip.readUInt16LE(offset + 26);
    const name = zip.subarray(offset + 30, offset + 30 + nameLength).toString();
    const data = inflateRawSync(zip.subarray(offset + 30 + nameLength, offset + 30 + nameLength + size));
    entries.push({ name, data, date: zip.readUInt16LE(offset + 12) });
    offset += 30 + nameLength + size;
  }
  return entries;
}

/** The code files of an artifact (relative to its dir) built from a source file, from its esbuild metafile. */
const outputsWith = (dir: string, source: string): string[] =>
  Object.entries(
    (JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> }).outputs,
  )
    .filter(([file, output]) => file.endsWith('.mjs') && source in output.inputs)
    .map(([file]) => file.split('/').pop()!);

/** The Loki fallback's source files in an artifact's bundle (its esbuild metafile). */
const lokiInputsOf = (dir: string): string[] =>
  Object.keys((JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { inputs: Record<string, unknown> }).inputs).filter((path) =>
    path.includes('src/exporters/loki/'),
  );

describe('build artifacts', () => {
  it('finds every example: Lambda handlers and edge entries', () => {
    expect(findFunctions().map((f) => `${f.name}:${f.kind}`)).toEqual([
      'edge-fetch:edge',
      'edge-worker:edge',
      'nightly-report:lambda',
      'orders-api:lambda',
      'sqs-consumer:lambda',
      'stream-report:lambda',
    ]);
    expect(() => findFunctions(['nope'])).toThrow(
      'no function "nope" in functions/ (there are: edge-fetch, edge-worker, nightly-report, orders-api, sqs-consumer, stream-report)',
    );
  });

  it('writes index.mjs, its map, meta.json and a zip holding them; the same input gives the same zip bytes', async () => {
    const out = mkdtempSync(join(tmpdir(), 'dist-'));
    const [source] = findFunctions(['sqs-consumer']);
    const first = await buildArtifact(source!, out);
    const bytes = readFileSync(first.zip);
    for (const file of ['index.mjs', 'index.mjs.map', 'meta.json']) expect(existsSync(join(first.dir, file))).toBe(true);
    const entries = readZip(bytes);
    // The entry first, the chunks it imports, then the chunks loaded on demand, each with its source map.
    const code = [...first.coldStartFiles, ...first.lazyFiles];
    expect(code[0]).toBe('index.mjs');
    expect(entries.map((e) => e.name)).toEqual(code.flatMap((f) => [f, `${f}.map`]));
    for (const entry of entries) expect(entry.data.equals(readFileSync(join(first.dir, entry.name))), entry.name).toBe(true);
    expect(entries.every((e) => e.date === 0x21)).toBe(true);
    const second = await buildArtifact(source!, out);
    expect(readFileSync(second.zip).equals(bytes)).toBe(true);
    expect(first.topContributors[0]!.bytes).toBeGreaterThan(1000);
  });

  it('every example is within its budget, and a bigger one is flagged', async () => {
    const out = mkdtempSync(join(tmpdir(), 'dist-'));
    for (const source of findFunctions()) {
      const artifact = await buildArtifact(source, out);
      expect(artifact.bytes, source.name).toBeLessThanOrEqual(BUDGETS[source.kind]);
      if (source.kind === 'edge') {
        expect(readFileSync(join(artifact.dir, 'index.mjs'), 'utf8')).not.toMatch(/lambda-runtime|Lambda-Runtime/);
        // One file: workerd takes the modules it is given, Vercel and Netlify bundle the entry again.
        expect([artifact.coldStartFiles, artifact.lazyFiles]).toEqual([['index.mjs'], []]);
        // The Loki fallback is opt-in on the edge (faas-observability/loki): none of its code by default.
        expect(lokiInputsOf(artifact.dir), source.name).toEqual([]);
      } else {
        // Split: the Loki fallback is a chunk a cold start does not load.
        expect(
          artifact.lazyFiles.some((file) => file.startsWith('loki-push-')),
          source.name,
        ).toBe(true);
        expect(
          artifact.coldStartFiles.some((file) => file.startsWith('loki-push-')),
          source.name,
        ).toBe(false);
        // The partial_success reader too: only an OTLP answer with a body needs it.
        const reader = outputsWith(artifact.dir, 'src/exporters/otlp/partial-success.ts');
        expect(reader, source.name).toHaveLength(1);
        expect(artifact.lazyFiles, source.name).toContain(reader[0]);
      }
    }
    const big = join(out, 'big.ts');
    writeFileSync(big, `export const handler = async () => ${JSON.stringify('x'.repeat(BUDGETS.lambda + 1024))};`);
    const artifact = await buildArtifact({ name: 'big', kind: 'lambda', entry: big }, out);
    expect(artifact.overBudget).toBe(true);
  });

  it('an edge function that imports faas-observability/loki carries the Loki fallback in its one file', async () => {
    const out = mkdtempSync(join(tmpdir(), 'dist-'));
    const entry = join(out, 'edge.ts');
    const src = join(process.cwd(), 'src');
    writeFileSync(
      entry,
      `import { withObservability } from '${src}/edge.ts';\nimport { lokiFallback } from '${src}/loki.ts';\n` +
        `export default withObservability({ fetch: async () => new Response('ok') }, { lokiFallback });\n`,
    );
    const artifact = await buildArtifact({ name: 'edge-loki', kind: 'edge', entry }, out);
    expect(lokiInputsOf(artifact.dir)).toContain('src/exporters/loki/loki-push.ts');
    expect([artifact.coldStartFiles, artifact.lazyFiles]).toEqual([['index.mjs'], []]);
  });

  it('a bundling error says where', async () => {
    const broken = join(mkdtempSync(join(tmpdir(), 'src-')), 'broken.ts');
    writeFileSync(broken, "import { nothing } from './missing.ts';\nexport const handler = nothing;\n");
    await expect(buildArtifact({ name: 'broken', kind: 'lambda', entry: broken })).rejects.toThrow(/Could not resolve "\.\/missing\.ts"/);
  });

  it('build.mjs names a missing function and exits 2', () => {
    const run = spawnSync(process.execPath, ['build.mjs', 'no-such-fn'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('build: no function "no-such-fn" in functions/');
  });

  it('deterministicZip is a function of its input only', () => {
    const files = [
      ['a.txt', Buffer.from('hello')],
      ['b.txt', Buffer.from('world')],
    ] as const;
    expect(deterministicZip(files).equals(deterministicZip(files))).toBe(true);
    expect(readZip(deterministicZip(files)).map((e) => e.data.toString())).toEqual(['hello', 'world']);
  });
});
