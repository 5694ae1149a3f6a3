#!/usr/bin/env node
// The package's command line (`npx faas-observability …`): run your own function locally the way Lambda
// does, against an embedded OTLP receiver. Not part of the library: nothing under src/ imports it.
import { readFileSync } from 'node:fs';
import { runInvoke } from './invoke.ts';
import { INVOKE_USAGE, parseInvokeOptions } from './invoke-options.ts';
import { resolveUserHandler } from './user-handler.ts';

const USAGE = `Usage: faas-observability <command>

Commands:
  invoke <file>   run your Lambda function locally, frozen between invocations as Lambda does, and print
                  its response and the spans, logs and metrics it exported (invoke --help for the options)
`;

function fail(message: string, usage: string): never {
  process.stderr.write(`faas-observability: ${message}\n\n${usage}`);
  process.exit(2);
}

const [command, ...rest] = process.argv.slice(2);
if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
  process.stdout.write(USAGE);
} else if (command !== 'invoke') {
  fail(`unknown command "${command}"`, USAGE);
} else if (rest.includes('--help') || rest.includes('-h')) {
  process.stdout.write(INVOKE_USAGE);
} else {
  const options = parseInvokeOptions(rest, () => readFileSync(0, 'utf8'));
  if (typeof options === 'string') fail(options, INVOKE_USAGE);
  const user = resolveUserHandler(options.spec, options.handlerName, options.taskRoot);
  if (typeof user === 'string') fail(user, INVOKE_USAGE);
  // Ctrl-C or a SIGTERM kills the function's process (frozen or not) and closes the receiver before the
  // command exits, with the shell's codes for those signals (128 + 2, 128 + 15); a second one ends it at once.
  const interrupt = new AbortController();
  const codes = { SIGINT: 130, SIGTERM: 143 } as const;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => interrupt.abort(signal));
  const code = await runInvoke(options, user, (text) => process.stdout.write(text), interrupt.signal);
  if (interrupt.signal.aborted) process.exit(codes[interrupt.signal.reason as keyof typeof codes]);
  process.exitCode = code;
}
