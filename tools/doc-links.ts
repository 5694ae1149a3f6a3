/**
 * The relative links of the Markdown documentation, and where they lead: the files and `#anchors` a link names
 * must exist, anchors as GitHub renders them (the heading's text, lower-cased, punctuation removed, spaces
 * turned into hyphens, `-1`, `-2` … for a repeated heading). Used by test/unit/doc-links.test.ts (the
 * repository) and `npm run check:package` (the tarball).
 */
import { readdirSync } from 'node:fs';
import { dirname, join, normalize, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

export interface DocLink {
  /** The Markdown file, relative to the repository root. */
  readonly file: string;
  readonly line: number;
  /** As written: `docs/edge.md#servicename`, `#configuration`. */
  readonly target: string;
  /** The file it leads to, relative to the root (the file itself for `#anchor`). */
  readonly path: string;
  readonly anchor?: string;
}

/** README.md, CONTRIBUTING.md and docs/*.md (not the generated docs/api/). */
export function documentationFiles(root: string = ROOT): string[] {
  const docs = readdirSync(join(root, 'docs'), { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => join('docs', entry.name))
    .sort();
  return ['README.md', 'CONTRIBUTING.md', ...docs];
}

/** The lines of a Markdown text outside fenced code blocks, with inline code removed; [line number, text]. */
function proseLines(markdown: string): [number, string][] {
  const lines: [number, string][] = [];
  let fence: string | undefined;
  markdown.split(/\r?\n/).forEach((text, index) => {
    const opening = /^ {0,3}(`{3,}|~{3,})/.exec(text);
    if (fence) {
      if (opening?.[1] && opening[1][0] === fence[0] && opening[1].length >= fence.length && /^\s*(`+|~+)\s*$/.test(text))
        fence = undefined;
      return;
    }
    if (opening?.[1]) {
      fence = opening[1];
      return;
    }
    lines.push([index + 1, text.replace(/(`+)[^`]*?\1/g, '')]);
  });
  return lines;
}

/** GitHub's anchor for a heading text. */
export function githubSlug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors a Markdown text defines: its headings (repeated ones numbered) and `<a id>` / `<a name>`. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fence: string | undefined;
  for (const text of markdown.split(/\r?\n/)) {
    const opening = /^ {0,3}(`{3,}|~{3,})/.exec(text);
    if (fence) {
      if (opening?.[1] && opening[1][0] === fence[0] && /^\s*(`+|~+)\s*$/.test(text)) fence = undefined;
      continue;
    }
    if (opening?.[1]) {
      fence = opening[1];
      continue;
    }
    for (const match of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(match[1] as string);
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (!heading) continue;
    const slug = githubSlug(heading[1] as string);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** The relative links of a Markdown text (inline and reference definitions), outside code. */
export function linksOf(markdown: string, file: string): DocLink[] {
  const links: DocLink[] = [];
  for (const [line, text] of proseLines(markdown)) {
    const targets = [
      ...[...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1] as string),
      ...[...text.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/g)].map((m) => m[1] as string),
    ];
    for (const target of targets) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: …
      const [pathPart = '', anchor] = target.split('#', 2);
      const path = pathPart === '' ? file : normalize(join(dirname(file), decodeURIComponent(pathPart)));
      links.push({ file, line, target, path, ...(anchor === undefined ? {} : { anchor: decodeURIComponent(anchor) }) });
    }
  }
  return links;
}

/**
 * The links of `documents` ({ file: text }) that lead nowhere: to a file `exists` denies, or to an anchor
 * the Markdown file it names does not define. Each comes back with the reason.
 */
export function brokenLinks(
  documents: Readonly<Record<string, string>>,
  exists: (path: string) => boolean,
  read: (path: string) => string | undefined,
): (DocLink & { readonly reason: string })[] {
  const broken: (DocLink & { readonly reason: string })[] = [];
  const anchorCache = new Map<string, Set<string>>();
  for (const [file, text] of Object.entries(documents)) {
    for (const link of linksOf(text, file)) {
      if (link.path.startsWith('..')) {
        broken.push({ ...link, reason: 'outside the repository' });
      } else if (!exists(link.path)) {
        broken.push({ ...link, reason: `no file ${link.path}` });
      } else if (link.anchor !== undefined && link.path.endsWith('.md')) {
        let anchors = anchorCache.get(link.path);
        if (!anchors) {
          anchors = anchorsOf(documents[link.path] ?? read(link.path) ?? '');
          anchorCache.set(link.path, anchors);
        }
        if (!anchors.has(link.anchor)) broken.push({ ...link, reason: `no #${link.anchor} in ${link.path}` });
      }
    }
  }
  return broken;
}
