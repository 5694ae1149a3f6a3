import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generic } from '../../src/core/generic-trigger.ts';
import { pick, type MatchingTrigger } from '../../src/core/trigger.ts';
import { LAMBDA_TRIGGERS, LAMBDA_TRIGGERS_BY_KEY, triggerFor } from '../../src/triggers/lambda/trigger-for.ts';
import { loadEvent } from '../helpers/fixtures.ts';

const SAMPLES = readdirSync(new URL('../fixtures/events/', import.meta.url))
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.slice(0, -'.json'.length));

/** The choice without the pre-match: every adapter's `matches`, in order. */
const fullMatch = (event: unknown) => LAMBDA_TRIGGERS.find((trigger) => trigger.matches(event)) ?? generic;

describe('the trigger pre-match (adapters grouped by the key they need)', () => {
  it.each(SAMPLES)('picks the adapter the full match picks for %s', (name) => {
    const event = loadEvent(name);
    expect(triggerFor(event).name).toBe(fullMatch(event).name);
  });

  it('every Lambda adapter is in one group and is chosen by one sample event', () => {
    const chosen = new Set(SAMPLES.map((name) => triggerFor(loadEvent(name)).name));
    expect(new Set(LAMBDA_TRIGGERS).size).toBe(LAMBDA_TRIGGERS.length);
    for (const trigger of LAMBDA_TRIGGERS) expect(chosen, trigger.name).toContain(trigger.name);
  });

  it.each(SAMPLES)('the group key is needed: %s without it is matched by no adapter of the group', (name) => {
    for (const [key, triggers] of LAMBDA_TRIGGERS_BY_KEY) {
      const matching = triggers.filter((trigger) => trigger.matches(loadEvent(name)));
      if (matching.length === 0) continue;
      const event = loadEvent(name);
      expect(event[key], key).not.toBeUndefined();
      delete event[key];
      for (const trigger of matching) expect(trigger.matches(event), trigger.name).toBe(false);
    }
  });

  it('does not call matches when the event lacks the key, nor for events that are not objects', () => {
    const calls: unknown[] = [];
    const spy: MatchingTrigger = { ...generic, name: 'spy', matches: (event) => (calls.push(event), true) };
    const byKey = [['Records', [spy]]] as const;
    expect(triggerFor({ i: 1 }, byKey)).toBe(generic);
    expect(triggerFor('text', byKey)).toBe(generic);
    expect(triggerFor(null, byKey)).toBe(generic);
    expect(triggerFor({ Records: undefined }, byKey)).toBe(generic);
    expect(calls).toEqual([]);
    expect(triggerFor({ Records: [] }, byKey)).toBe(spy);
    expect(calls).toHaveLength(1);
  });
});

describe('pick', () => {
  it('reads up to four keys and never throws on a missing level', () => {
    const event = { a: { b: { c: { d: 'deep' } } }, n: null };
    expect(pick(event, 'a', 'b', 'c', 'd')).toBe('deep');
    expect(pick(event, 'a', 'b', 'c')).toEqual({ d: 'deep' });
    expect(pick(event, 'n', 'b')).toBeUndefined();
    expect(pick(event, 'x', 'b', 'c', 'd')).toBeUndefined();
    expect(pick('text', 'length')).toBeUndefined();
  });
});
