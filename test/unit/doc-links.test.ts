import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { anchorsOf, brokenLinks, documentationFiles, githubSlug, linksOf } from '../../tools/doc-links.ts';

describe('GitHub anchors and relative links (tools/doc-links.ts)', () => {
  it('slugs a heading as GitHub does', () => {
    expect(githubSlug('Lambda: the flush after the response')).toBe('lambda-the-flush-after-the-response');
    expect(githubSlug('`service.name`')).toBe('servicename');
    expect(githubSlug('Cloudflare Workers without `nodejs_compat`')).toBe('cloudflare-workers-without-nodejs_compat');
    expect(githubSlug('Registering in time: optional, and how to make it certain')).toBe(
      'registering-in-time-optional-and-how-to-make-it-certain',
    );
    expect(githubSlug('Keep what matters: tail sampling per invocation')).toBe('keep-what-matters-tail-sampling-per-invocation');
    expect(githubSlug('One span per record: `forEachRecord`')).toBe('one-span-per-record-foreachrecord');
  });

  it('numbers a repeated heading and skips headings inside code blocks', () => {
    expect([...anchorsOf('# A\n## A\n```sh\n# A\n```\n### A\n<a id="x"></a>')]).toEqual(['a', 'a-1', 'a-2', 'x']);
  });

  it('reads links outside code only, with their anchors', () => {
    const links = linksOf(
      'See [a](b.md#c) and `[x](y.md)`.\n```md\n[z](z.md)\n```\n[ref]: ../d.md\n[web](https://e.org) [here](#top)',
      'docs/p.md',
    );
    expect(links.map((l) => [l.path, l.anchor])).toEqual([
      ['docs/b.md', 'c'],
      ['d.md', undefined],
      ['docs/p.md', 'top'],
    ]);
  });

  it('reports a missing file and a missing anchor', () => {
    const docs = { 'a.md': '# Title\n[ok](#title) [bad](#nope) [gone](b.md) [other](c.md#x)', 'c.md': '# X' };
    const broken = brokenLinks(
      docs,
      (path) => path in docs,
      () => undefined,
    );
    expect(broken.map((link) => link.reason)).toEqual(['no #nope in a.md', 'no file b.md']);
  });
});

describe('the documentation', () => {
  const files = documentationFiles();
  const documents = Object.fromEntries(files.map((file) => [file, readFileSync(file, 'utf8')]));

  it('is the README, CONTRIBUTING.md and the docs/ pages', () => {
    expect(files).toContain('README.md');
    expect(files).toContain('CONTRIBUTING.md');
    expect(files.filter((file) => file.startsWith('docs/')).length).toBeGreaterThan(10);
  });

  it('every relative link and #anchor resolves', () => {
    const broken = brokenLinks(documents, existsSync, (path) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined));
    expect(broken.map((link) => `${link.file}:${link.line}: ${link.target} (${link.reason})`)).toEqual([]);
  });
});
