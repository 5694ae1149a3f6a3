import { readFileSync } from 'node:fs';

/** A sample event as AWS documents it, parsed fresh so tests can spread over it. */
export function loadEvent(name: string): Record<string, any> {
  return JSON.parse(readFileSync(new URL(`../fixtures/events/${name}.json`, import.meta.url), 'utf8'));
}
