import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === '.out' || name === 'fixtures') return [];
    if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path);
    return /\.(ts|mjs|js|sh)$/.test(name) ? [path] : [];
  });
}

describe('comments say the why or cite a public source', () => {
  const files = ['src', 'test', 'tools', 'bench'].flatMap(sourceFiles);

  it.each([
    ['an issue number', /\bissue\s*#?\d+/i],
    ['a path outside the repository', /\.\.\/shared\/|STYLE\.md/],
  ])('no comment points to %s', (_what, pattern) => {
    expect(files.length).toBeGreaterThan(100);
    const self = 'test/unit/docs-truth.test.ts';
    expect(files.filter((file) => file !== self && pattern.test(read(file)))).toEqual([]);
  });
});

describe('docs/how-it-works.md tells the flush as it runs', () => {
  const doc = read('docs/how-it-works.md');
  const diagram = doc.slice(doc.indexOf('```mermaid\nsequenceDiagram'), doc.indexOf('```', doc.indexOf('sequenceDiagram')));

  it('the response is posted before the export, and the extension asks for its next event after it', () => {
    const order = ['extension/register', 'runtime/invocation/{id}/response', 'POST /v1/traces', 'extension/event/next\n    Note'];
    const positions = order.map((step) => diagram.indexOf(step));
    expect(positions.every((position) => position > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('says where the flush stays before the response', () => {
    expect(doc).toMatch(/flushes \*\*before\*\* the handler's promise settles/);
  });
});
