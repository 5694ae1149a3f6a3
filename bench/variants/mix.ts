// The sampling bench's handler body, the same for ours and the official setup: 2 console.debug and 2
// console.info lines, then 2 % of the invocations fail (throw), the rest succeed. The caller wraps it in a
// child span; `emit` is the official setup's log record beside each console call.
const LINES = [
  { level: 'debug', args: ['cart %s loaded with %d items', 'A-1', 3], body: 'cart A-1 loaded with 3 items' },
  { level: 'info', args: ['order %s priced at %d EUR', 'A-1', 42], body: 'order A-1 priced at 42 EUR' },
  { level: 'debug', args: ['stock checked for %d items', 3, { warehouse: 'north' }], body: 'stock checked for 3 items' },
  { level: 'info', args: ['order %s confirmed', 'A-1', { step: 'confirm' }], body: 'order A-1 confirmed' },
] as const;

/** Every 50th invocation fails (i = 7, 57, 107, ...). */
export const failing = (i: number) => i % 50 === 7;

/** One invocation's work: the console lines, then the result or the throw. */
export function work(i: number, emit?: (level: 'debug' | 'info', body: string) => void) {
  for (const line of LINES) {
    console[line.level](...line.args);
    emit?.(line.level, line.body);
  }
  if (failing(i)) throw new Error(`order A-1 failed at invocation ${i}`);
  return { statusCode: 200, body: String(i) };
}
