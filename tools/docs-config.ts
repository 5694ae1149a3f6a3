/** npm run docs:config — rewrites the configuration table of docs/configuration.md from CONFIG_REFERENCE. */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { configTableMarkdown } from '../src/core/config/config-reference.ts';

/** The page that holds the table, relative to the repository root. */
export const CONFIG_PAGE = 'docs/configuration.md';
const PAGE = resolve(import.meta.dirname, '..', CONFIG_PAGE);
const START = '<!-- config-table:start (npm run docs:config) -->';
const END = '<!-- config-table:end -->';

export function withConfigTable(page: string): string {
  const from = page.indexOf(START);
  const to = page.indexOf(END);
  if (from === -1 || to === -1) throw new Error(`${CONFIG_PAGE} has no ${START} … ${END} section`);
  return `${page.slice(0, from + START.length)}\n${configTableMarkdown()}\n${page.slice(to)}`;
}

if (import.meta.main) {
  writeFileSync(PAGE, withConfigTable(readFileSync(PAGE, 'utf8')));
  console.log(`docs:config: ${CONFIG_PAGE} configuration table rewritten`);
}
