import { captureInitLogs, type InitLogCapture } from '../console/init-log-capture.ts';
import type { Env } from '../core/config/env-readers.ts';
import { writeStdoutLine } from './stdout-line.ts';

// The cold start's init-log capture, from the moment the Lambda entry point is imported until the first
// setup attached takes it (`bridgeConsole`). Part of the one setup per cold start, not per invocation.
let pending: InitLogCapture | undefined;

/** Starts capturing console calls made while the handler module initialises (on Lambda only; once). */
export function startInitCapture(env: Env): void {
  pending ??= captureInitLogs(env, writeStdoutLine);
}
