// The redaction bench's text and object lines with the plain official setup (official-handler.ts): each console
// call with the log record a user writes beside it, no redaction (the SDK has none).
import { SeverityNumber, type Logger } from '@opentelemetry/api';
import { officialHandler } from './official-handler.ts';
import { linesPerInvocation, shape } from './redaction-lines.ts';

const RECORDS = {
  none: undefined,
  text: () => ({ args: ['order 7 shipped'], record: { body: 'order 7 shipped' } }),
  object: () => {
    const order = { id: 7, total: 12.5, items: ['a', 'b'] };
    return { args: ['order', order], record: { body: 'order', attributes: order } };
  },
} as const;
const line = RECORDS[shape as keyof typeof RECORDS];
if (line === undefined && shape !== 'none') throw new Error(`the official variant writes text and object lines, not ${shape}`);

function writeLines(logger: Logger): void {
  if (!line) return;
  for (let n = 0; n < linesPerInvocation; n++) {
    const { args, record } = line();
    console.log(...args);
    logger.emit({ severityNumber: SeverityNumber.INFO, severityText: 'INFO', ...record });
  }
}

export const handler = officialHandler(undefined, writeLines);
