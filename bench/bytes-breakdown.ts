/**
 * Where the bytes of one OTLP request go: every field of the resource, the scope and the records, measured by
 * re-encoding it alone with the official message types (tag and length prefix included). The bytes row's
 * profile: what a variant sends that another does not, field by field.
 */
import type protobuf from 'protobufjs';
import { OTLP_REQUEST_TYPES } from '../tools/otlp-decode.ts';

/** Bytes of one part of a request: `resource service.name`, `span attribute faas.trigger`, `record body`... */
export type Breakdown = Map<string, number>;

// Decoded messages are walked by field name, as the descriptor lists them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Message = protobuf.Message & Record<string, any>;

const varintLength = (n: number) => (n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : 4);
// A length-delimited field: one tag byte (field numbers below 16), the length, the content.
const delimited = (content: number) => 1 + varintLength(content) + content;

function fieldBytes(parent: Message, field: string): number {
  const type = parent.$type as protobuf.Type;
  const alone = type.create({ [field]: parent[field] });
  return type.encode(alone).finish().length;
}

function add(breakdown: Breakdown, part: string, bytes: number): void {
  breakdown.set(part, (breakdown.get(part) ?? 0) + bytes);
}

function addAttributes(breakdown: Breakdown, owner: Message, prefix: string): void {
  const type = owner.$type as protobuf.Type;
  const keyValue = type.fields.attributes!.resolvedType as protobuf.Type;
  for (const kv of owner.attributes ?? []) add(breakdown, `${prefix} ${kv.key}`, delimited(keyValue.encode(kv).finish().length));
}

/** Every part of a message but its attributes and nested lists, each as its own line. */
function addFields(breakdown: Breakdown, message: Message, prefix: string, skip: readonly string[]): void {
  const type = message.$type as protobuf.Type;
  for (const field of type.fieldsArray) {
    if (skip.includes(field.name) || field.name === 'attributes') continue;
    const bytes = fieldBytes(message, field.name);
    if (bytes > 0) add(breakdown, `${prefix} ${field.name}`, bytes);
  }
}

/**
 * Breaks one OTLP/HTTP protobuf request into its parts. Nesting overhead (the length prefixes of
 * ResourceSpans, ScopeSpans and each record) is its own line, so the parts add up to the request.
 */
export function breakDown(signal: 'traces' | 'logs', body: Uint8Array): Breakdown {
  const type = OTLP_REQUEST_TYPES[signal];
  const request = type.decode(body) as Message;
  const breakdown: Breakdown = new Map();
  const outer = signal === 'traces' ? 'resourceSpans' : 'resourceLogs';
  const middle = signal === 'traces' ? 'scopeSpans' : 'scopeLogs';
  const inner = signal === 'traces' ? 'spans' : 'logRecords';
  const item = signal === 'traces' ? 'span' : 'record';
  let counted = 0;
  for (const resourceBlock of request[outer] ?? []) {
    if (resourceBlock.resource) addAttributes(breakdown, resourceBlock.resource, 'resource');
    for (const scopeBlock of resourceBlock[middle] ?? []) {
      if (scopeBlock.scope) addFields(breakdown, scopeBlock.scope, 'scope', []);
      for (const record of scopeBlock[inner] ?? []) {
        addAttributes(breakdown, record, `${item} attribute`);
        addFields(breakdown, record, item, []);
      }
    }
  }
  for (const bytes of breakdown.values()) counted += bytes;
  add(breakdown, 'framing (nested lengths and tags)', body.length - counted);
  return breakdown;
}
