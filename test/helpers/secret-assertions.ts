import { expect } from 'vitest';

/**
 * Every string inside `value` (object keys left out), depth first: what a decoded record shows, whatever its
 * shape (body, attributes, events, status, Loki metadata).
 *
 * @example
 * stringLeaves({ body: 'a', attributes: { n: 1, s: ['b'] } }); // ['a', 'b']
 */
export function stringLeaves(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const item of value) stringLeaves(item, into);
  else if (typeof value === 'object' && value !== null) for (const item of Object.values(value)) stringLeaves(item, into);
  return into;
}

/** The secrets found in `texts`, each with the text around its first sighting (bytes outside ASCII as dots). */
export function leaksIn(texts: readonly string[], secrets: readonly string[]): string[] {
  return secrets.flatMap((secret) => {
    const text = texts.find((t) => t.includes(secret));
    if (text === undefined) return [];
    const at = text.indexOf(secret);
    const around = text.slice(Math.max(0, at - 60), at + secret.length + 20).replace(/[^\x20-\x7e]/g, '.');
    return [`${secret} in …${around}…`];
  });
}

/**
 * Fails naming every secret that is in any of `texts` (raw request bodies or lines, as text), with its
 * context, so a failure says which value left and where. Soft: the test's other checks still run.
 *
 * @example
 * expectNoSecrets([body.toString('latin1')], ['hunter2']);
 */
export function expectNoSecrets(texts: readonly string[], secrets: readonly string[]): void {
  expect.soft(leaksIn(texts, secrets), 'secrets that left the process').toEqual([]);
}

/**
 * Fails (soft) naming every value of `visible` that is in none of `texts`: redaction must leave ordinary values.
 *
 * @example
 * expectVisible(stringLeaves(receiver.logs), ['orderId']);
 */
export function expectVisible(texts: readonly string[], visible: readonly string[]): void {
  expect
    .soft(
      visible.filter((value) => !texts.some((t) => t.includes(value))),
      'ordinary values missing from the records',
    )
    .toEqual([]);
}

/** The secrets in none of `texts`: with redaction off, each must have left (or the table proves nothing). */
export function secretsMissing(texts: readonly string[], secrets: readonly string[]): string[] {
  return secrets.filter((secret) => !texts.some((t) => t.includes(secret)));
}
