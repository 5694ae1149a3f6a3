/** npm run docs:config — rewrites the README's configuration table from CONFIG_REFERENCE. */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { configTableMarkdown } from '../src/core/config/config-reference.ts';

const README = resolve(import.meta.dirname, '../README.md');
const START = '<!-- config-table:start (npm run docs:config) -->';
const END = '<!-- config-table:end -->';

export function withConfigTable(readme: string): string {
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (from === -1 || to === -1) throw new Error(`README.md has no ${START} … ${END} section`);
  return `${readme.slice(0, from + START.length)}\n${configTableMarkdown()}\n${readme.slice(to)}`;
}

if (import.meta.main) {
  writeFileSync(README, withConfigTable(readFileSync(README, 'utf8')));
  console.log('docs:config: README.md configuration table rewritten');
}
