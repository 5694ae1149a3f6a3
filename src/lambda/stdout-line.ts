/**
 * Writes one line to stdout, beside the Lambda runtime client's console (which would wrap a line in its own
 * JSON object). Lambda's log capture reads stdout line by line, takes a JSON object's `level` and
 * `timestamp` keys as the runtime's own (docs: Lambda "Log-level filtering"), and a synchronous pipe write
 * lands before the freeze.
 *
 * @example
 * writeStdoutLine('{"level":"INFO","message":"hi"}');
 */
export function writeStdoutLine(line: string): void {
  process.stdout.write(`${line}\n`);
}
