import type { Attributes, HrTime } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { describe, expect, it } from 'vitest';
import { writeMetricsAsEmf } from '../../src/exporters/emf/emf-lines.ts';
import { cloudWatchUnit } from '../../src/exporters/emf/emf-rules.ts';
import type { MetricRecord, NumberPoint } from '../../src/exporters/metric-record.ts';
import { readEmfLine, type EmfEntry } from '../helpers/emf-reader.ts';
import { sdkResourceMetrics, toMetricRecords } from '../helpers/metric-batches.ts';

const TIME: HrTime = [1_700_000_000, 123_456_789];
const resource = resourceFromAttributes({ 'service.name': 'orders-api', 'cloud.region': 'eu-west-1' });
const scope = { name: 'test' };

function gauge(name: string, points: Partial<NumberPoint>[], extra: Partial<MetricRecord> = {}): MetricRecord {
  return {
    resource,
    instrumentationScope: scope,
    name,
    description: '',
    unit: '',
    valueType: 'double',
    data: { type: 'gauge', points: points.map((p) => ({ attributes: {}, startTime: TIME, time: TIME, value: 1, ...p })) },
    ...extra,
  };
}

function emf(records: readonly MetricRecord[], namespace = 'orders') {
  const lines: string[] = [];
  const result = writeMetricsAsEmf(records, (line) => lines.push(line), { namespace });
  const documents = lines.map(readEmfLine); // throws on any line the specification refuses
  return { lines, result, documents, entries: documents.flatMap((d) => d.entries) };
}

const canonical = (entry: Pick<EmfEntry, 'name' | 'dimensions' | 'value'>) =>
  JSON.stringify([entry.name, Object.entries(entry.dimensions).sort(), entry.value]);

describe('writeMetricsAsEmf: CloudWatch embedded metric format lines', () => {
  it('the SDK’s collections: every line valid against the published schema, every point once, with its dimensions', async () => {
    const records = (await sdkResourceMetrics()).flatMap(toMetricRecords);
    const { entries, result, lines } = emf(records);
    expect(result).toMatchObject({ namespace: 'orders', documents: lines.length });
    // What CloudWatch should extract, written out from the records here: string, number and boolean
    // attributes as string dimensions (printable ASCII only), the resource's service.name, one value per point.
    const expected = records.flatMap((record) =>
      (record.data.points as any[]).map((point) => {
        const dimensions: Record<string, string> = { 'service.name': String(record.resource.attributes['service.name']) };
        for (const [key, value] of Object.entries(point.attributes as Attributes)) {
          if (['string', 'number', 'boolean'].includes(typeof value) && /^[\x20-\x7e]+$/.test(String(value)))
            dimensions[key] = String(value);
        }
        const value = 'count' in point ? { Count: point.count, Sum: point.sum, Min: point.min, Max: point.max } : point.value;
        return canonical({ name: record.name, dimensions, value });
      }),
    );
    expect(entries.map(canonical).sort()).toEqual(expected.sort());
    expect(entries.find((e) => e.name === 'faas.invocations' && e.value === 2 ** 40)!.dimensions).toEqual({
      'service.name': 'orders-api',
      route: '/orders/{id}',
      code: '200',
      negative: '-3',
      ratio: '0.25',
      cold: 'true',
      warm: 'false',
    });
    expect(result.notes).toContain('attribute "flags" is an array: not a dimension, left out');
    expect(result.notes.some((note) => note.includes('"utf8"'))).toBe(true);
    expect(entries.find((e) => e.name === 'faas.invoke_duration')).toMatchObject({
      unit: 'Seconds',
      value: { Count: 6, Sum: 0.002 + 0.007 + 0.05 + 0.05 + 3 + 42, Min: 0.002, Max: 42 },
    });
  });

  it('at most 100 metrics a document: 250 metrics of one attribute set are 3 documents, each value once', () => {
    const records = Array.from({ length: 250 }, (_, i) => gauge(`m${i}`, [{ value: i, attributes: { route: '/a' } }]));
    const { documents, entries } = emf(records);
    expect(documents.map((d) => d.metricCount)).toEqual([100, 100, 50]);
    expect(entries.map((e) => e.value).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 250 }, (_, i) => i));
    for (const entry of entries) expect(entry.dimensions).toEqual({ 'service.name': 'orders-api', route: '/a' });
  });

  it('points of the same attribute set share a document; other sets, times and repeated names get their own', () => {
    const later: HrTime = [TIME[0] + 60, 0];
    const records = [
      gauge('a', [
        { attributes: { k: 'x' }, value: 1 },
        { attributes: { k: 'y' }, value: 2 },
        { attributes: { k: 'x' }, time: later, value: 3 },
      ]),
      gauge('b', [{ attributes: { k: 'x' }, value: 4 }]),
      gauge('a', [{ attributes: { k: 'x' }, value: 5 }]), // the same name again (another scope, say): a second document
    ];
    const { lines, entries } = emf(records);
    const docs = lines.map((line) => JSON.parse(line));
    expect(docs.map((d) => [d.k, d._aws.Timestamp, d._aws.CloudWatchMetrics[0].Metrics.map((m: any) => m.Name)])).toEqual([
      ['x', 1_700_000_000_123, ['a', 'b']],
      ['x', 1_700_000_000_123, ['a']],
      ['y', 1_700_000_000_123, ['a']],
      ['x', 1_700_000_060_000, ['a']],
    ]);
    expect(entries.map((e) => e.value).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('at most 30 dimensions (service.name kept), values up to 1024 printable ASCII characters; the rest left out and noted', () => {
    const attributes: Attributes = Object.fromEntries(Array.from({ length: 35 }, (_, i) => [`d${String(i).padStart(2, '0')}`, i]));
    const { documents, entries, result } = emf([
      gauge('many', [{ attributes }]),
      gauge('long', [
        {
          attributes: { ok: 'v'.repeat(1024), long: 'v'.repeat(1025), blank: '  ', bytes: new Uint8Array(2) as never, nothing: undefined },
        },
      ]),
    ]);
    expect(documents[0]!.dimensionCount).toBe(30);
    const many = entries.find((e) => e.name === 'many')!.dimensions;
    expect(Object.keys(many).sort()).toEqual([...Array.from({ length: 29 }, (_, i) => `d${String(i).padStart(2, '0')}`), 'service.name']);
    expect(Object.keys(entries.find((e) => e.name === 'long')!.dimensions).sort()).toEqual(['ok', 'service.name']);
    expect(result.notes).toContain('more than 30 dimensions: "d29" and those after it left out');
    expect(result.notes.length).toBeLessThanOrEqual(5);
  });

  it('a point’s own service.name wins over the resource’s; a resource without one adds nothing', () => {
    const bare = resourceFromAttributes({});
    const { entries } = emf([
      gauge('own', [{ attributes: { 'service.name': 'checkout' } }]),
      gauge('none', [{ attributes: { a: 'b' } }], { resource: bare }),
    ]);
    expect(entries.map((e) => [e.name, e.dimensions])).toEqual([
      ['own', { 'service.name': 'checkout' }],
      ['none', { a: 'b' }],
    ]);
  });

  it('histograms as statistic sets; empty ones and values JSON cannot hold are left out, never a null', () => {
    const histogram: MetricRecord = {
      ...gauge('h', []),
      unit: 'ms',
      data: {
        type: 'histogram',
        temporality: 'delta',
        points: [
          {
            attributes: { k: 'a' },
            startTime: TIME,
            time: TIME,
            count: 3,
            sum: 30,
            min: 5,
            max: 15,
            boundaries: [10],
            bucketCounts: [1, 2],
          },
          {
            attributes: { k: 'b' },
            startTime: TIME,
            time: TIME,
            count: 0,
            sum: 0,
            min: Infinity,
            max: -Infinity,
            boundaries: [10],
            bucketCounts: [0, 0],
          },
        ],
      },
    };
    const { entries, lines, result } = emf([
      histogram,
      gauge('g', [{ value: NaN }, { value: Infinity, attributes: { k: 'c' } }, { value: -2.5, attributes: { k: 'd' } }]),
    ]);
    expect(entries.map((e) => [e.name, e.unit, e.value])).toEqual([
      ['h', 'Milliseconds', { Count: 3, Sum: 30, Min: 5, Max: 15 }],
      ['g', 'None', -2.5],
    ]);
    expect(lines.join()).not.toContain('null');
    expect(result.notes).toContain('g: a value JSON cannot hold (NaN or infinite) left out');
  });

  it('units: OpenTelemetry (UCUM) units to CloudWatch ones, the rest None', () => {
    const table: [string, string][] = [
      ['s', 'Seconds'],
      ['ms', 'Milliseconds'],
      ['us', 'Microseconds'],
      ['By', 'Bytes'],
      ['bit', 'Bits'],
      ['%', 'Percent'],
      ['By/s', 'Bytes/Second'],
      ['{invocation}', 'Count'],
      ['{}', 'Count'],
      ['{request}/s', 'Count/Second'],
      ['1', 'None'],
      ['ns', 'None'],
      ['Cel', 'None'],
      ['kBy', 'None'],
      ['', 'None'],
      ['Seconds', 'Seconds'],
      ['toString', 'None'],
    ];
    expect(table.map(([otel]) => [otel, cloudWatchUnit(otel)])).toEqual(table);
    const { entries } = emf(table.map(([unit], i) => gauge(`u${i}`, [{}], { unit })));
    expect(entries.map((e) => e.unit)).toEqual(table.map(([, cw]) => cw));
  });

  it('_aws.Timestamp is the point’s time in whole milliseconds', () => {
    const times: HrTime[] = [
      [0, 999_999],
      [1_700_000_000, 0],
      [1_700_000_000, 999_999_999],
      [4_102_444_800, 500_000_000],
    ];
    const { entries } = emf(times.map((time, i) => gauge(`t${i}`, [{ time }])));
    expect(entries.map((e) => e.timestamp)).toEqual([0, 1_700_000_000_000, 1_700_000_000_999, 4_102_444_800_500]);
  });

  it('a namespace CloudWatch refuses falls back to the default with the reason, never a throw; a valid one is kept', () => {
    for (const bad of ['', '   ', 'AWS/Lambda', 'x'.repeat(256), 'bad\nname', 'ümlaut', ':colon', 'a"b']) {
      const { result, entries } = emf([gauge('g', [{}])], bad);
      expect(result.namespace, bad).toBe('faas-observability');
      expect(result.notes[0], bad).toMatch(/^the EMF namespace .* "faas-observability" used instead$/);
      expect(entries[0]!.namespace).toBe('faas-observability');
    }
    for (const good of ['orders', 'My App/orders:v1#2', 'x'.repeat(255), 'a.b-c_d']) {
      const { result, entries } = emf([gauge('g', [{}])], good);
      expect([result.namespace, entries[0]!.namespace, result.notes]).toEqual([good, good, []]);
    }
  });

  it('a metric name CloudWatch refuses, and one an attribute shares, are left out with a note; a throwing writer stops nothing', () => {
    const { entries, result } = emf([gauge('x'.repeat(256), [{}]), gauge('k', [{ attributes: { k: 'v' } }]), gauge('fine', [{}])]);
    expect(entries.map((e) => e.name)).toEqual(['fine']);
    expect(result.notes).toHaveLength(2);
    let calls = 0;
    const written = writeMetricsAsEmf(
      [gauge('a', [{}]), gauge('b', [{ attributes: { k: 'v' } }])],
      () => {
        calls++;
        throw new Error('stdout closed');
      },
      { namespace: 'n' },
    );
    expect([calls, written.documents]).toEqual([2, 0]);
  });

  it('the reader refuses what the specification refuses (so the checks above can fail)', () => {
    const document = (metrics: number, dimensions: number, values: Record<string, unknown> = {}) => {
      const names = Array.from({ length: metrics }, (_, i) => `m${i}`);
      const keys = Array.from({ length: dimensions }, (_, i) => `d${i}`);
      return JSON.stringify({
        _aws: {
          Timestamp: 1,
          CloudWatchMetrics: [{ Namespace: 'n', Dimensions: [keys], Metrics: names.map((Name) => ({ Name, Unit: 'Count' })) }],
        },
        ...Object.fromEntries(keys.map((k) => [k, 'v'])),
        ...Object.fromEntries(names.map((n) => [n, 1])),
        ...values,
      });
    };
    expect(readEmfLine(document(100, 30)).metricCount).toBe(100);
    expect(() => readEmfLine(document(101, 1))).toThrow(/101 MetricDefinitions/);
    expect(() => readEmfLine(document(1, 31))).toThrow(/EMF schema/);
    expect(() => readEmfLine(document(1, 1, { d0: 5 }))).toThrow(/not a string/);
    expect(() => readEmfLine(document(1, 0, { m0: null }))).toThrow(/metric target/);
    expect(() => readEmfLine(document(1, 0, { m0: Array(101).fill(1) }))).toThrow(/metric target/);
    expect(() => readEmfLine(document(1, 0, { m0: { Count: 0, Sum: 0, Min: 0, Max: 0 } }))).toThrow(/metric target/);
    expect(() => readEmfLine(document(1, 0).replace('"Unit":"Count"', '"Unit":"Nanoseconds"'))).toThrow(/EMF schema/);
    expect(() => readEmfLine(document(1, 0).replace('"Timestamp":1', '"Timestamp":1.5'))).toThrow(/EMF schema/);
  });
});
