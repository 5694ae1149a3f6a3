import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { checkMarkdown, ENTRY_POINTS, extractSnippets, formatError } from '../../tools/check-snippets.ts';

const fence = '```';

const GOOD = `# Good

Some prose.

${fence}sh
npm install faas-observability   # not TypeScript: never read
${fence}

${fence}ts
import { withObservability } from 'faas-observability/lambda';

declare const app: (event: { id: string }) => Promise<string>; // the reader's own handler

export const handler = withObservability(app, { serviceName: 'orders' });
${fence}

${fence}typescript
import { withObservability, type WaitUntilContext } from 'faas-observability/edge';

declare const app: (request: Request, ctx: WaitUntilContext) => Promise<Response>; // a second 'app': its own module

export const GET = withObservability(app);
${fence}
`;

const BAD = `# Bad

${fence}ts
import { withObservability } from 'faas-observability/lambda';

export const handler = withObservability(async () => 'ok', { flushBudgetMs: 'soon' });
${fence}

${fence}ts no-check
import { notInstalled } from 'a-package-this-project-does-not-install';
notInstalled();
${fence}
`;

describe('check-snippets: extraction', () => {
  it('takes ts and typescript blocks with the line of their opening fence, and no other language', () => {
    const snippets = extractSnippets(GOOD, 'GOOD.md');
    expect(snippets.map((snippet) => snippet.line)).toEqual([9, 17]);
    expect(snippets[0]?.code.split('\n')[0]).toBe("import { withObservability } from 'faas-observability/lambda';");
    expect(snippets.every((snippet) => !snippet.noCheck)).toBe(true);
  });

  it('marks a block fenced as ts no-check', () => {
    expect(extractSnippets(BAD, 'BAD.md').map((snippet) => [snippet.line, snippet.noCheck])).toEqual([
      [3, false],
      [9, true],
    ]);
  });

  it('reads a block indented in a list and a ~~~ fence', () => {
    const markdown = ['1. Wrap it:', '   ~~~ts', '   const a: number = 1;', '   ~~~', ''].join('\n');
    expect(extractSnippets(markdown, 'list.md')).toEqual([{ file: 'list.md', line: 2, code: 'const a: number = 1;', noCheck: false }]);
  });
});

describe('check-snippets: type-check', () => {
  it('passes snippets that compile, with the package entry points mapped to src, and reports a broken one at its block', () => {
    const errors = checkMarkdown({ 'GOOD.md': GOOD, 'BAD.md': BAD });
    // Only the broken block: the good ones compile, the no-check one (an unresolvable import) is not compiled.
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: 'BAD.md', blockLine: 3, line: 6, code: 2322 });
    expect(formatError(errors[0]!)).toMatch(/^BAD\.md:3: TS2322: Type 'string' is not assignable to type 'number'\..* \(BAD\.md:6:\d+\)$/s);
  });
});

describe('check-snippets: entry points', () => {
  it('maps every module entry of package.json exports to its source (none resolves to a stale lib/)', () => {
    const { exports } = JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, unknown> };
    const modules = Object.keys(exports)
      .filter((subpath) => !['./package.json', './lambda/preload'].includes(subpath))
      .map((subpath) => (subpath === '.' ? 'faas-observability' : `faas-observability/${subpath.slice(2)}`));
    expect(Object.keys(ENTRY_POINTS).sort()).toEqual(modules.sort());
  });
});
