import type { ExportResult } from '@opentelemetry/core';
import { SeverityNumber, type Attributes, type Context } from '@opentelemetry/api';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';

export const RESOURCE = {
  'service.name': 'orders-api',
  'service.namespace': 'shop',
  'deployment.environment.name': 'prod',
  'cloud.region': 'eu-west-1',
  'faas.name': 'orders-api',
  'faas.instance': '2026/11/24/[7]abc',
};

/** Real SDK log records (what exporters receive), built through a LoggerProvider. */
export function makeRecords(
  specs: { body: string; severity?: SeverityNumber; text?: string; attributes?: Attributes; time?: number; context?: Context }[],
): ReadableLogRecord[] {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes(RESOURCE),
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  const logger = provider.getLogger('test');
  for (const spec of specs) {
    logger.emit({
      body: spec.body,
      severityNumber: spec.severity ?? SeverityNumber.INFO,
      severityText: spec.text ?? 'INFO',
      attributes: spec.attributes,
      timestamp: spec.time,
      context: spec.context,
    });
  }
  return memory.getFinishedLogRecords();
}

/** One export through an exporter's callback API, as a promise of its result. */
export function exportOnce<T>(
  exporter: { export(items: T[], done: (result: ExportResult) => void): void },
  items: readonly T[],
): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(items as T[], resolve));
}
