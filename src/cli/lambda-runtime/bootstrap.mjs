// A small Lambda runtime client (what the managed Node.js runtime does), in plain JavaScript so users need
// no native build: it loads the handler named by _HANDLER from LAMBDA_TASK_ROOT, then loops on the Runtime
// API — GET /next, run, POST /response or /error — exactly where Lambda freezes the process.
// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
import { Agent, request } from 'node:http';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';

const api = process.env.AWS_LAMBDA_RUNTIME_API;
const base = `http://${api}/2018-06-01/runtime`;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');

function call(method, path, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const outgoing = request(`${base}${path}`, { method, agent, headers }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

function errorPayload(error) {
  const isError = error instanceof Error;
  return JSON.stringify({
    errorType: isError ? error.name : typeof error,
    errorMessage: isError ? error.message : String(error),
    trace: isError && error.stack ? error.stack.split('\n') : [],
  });
}

// Lambda's runtime prefixes each console line with time, request id and level (text log format).
let currentRequestId;
for (const [method, level] of [
  ['log', 'INFO'],
  ['info', 'INFO'],
  ['warn', 'WARN'],
  ['error', 'ERROR'],
  ['debug', 'DEBUG'],
  ['trace', 'TRACE'],
]) {
  const original = console[method].bind(console);
  console[method] = (...args) => original(`${new Date().toISOString()}\t${currentRequestId ?? 'undefined'}\t${level}\t${format(...args)}`);
}

globalThis.awslambda = {
  streamifyResponse(handler, options) {
    handler[STREAMING] = 'response';
    if (options?.highWaterMark) handler[Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark')] = options.highWaterMark;
    return handler;
  },
};

// As aws-lambda-ric 4 words a module that fails to load (src/lambda/load-user-handler.ts does the same for the
// layer): a syntax error is Runtime.UserCodeSyntaxError, a missing CommonJS module Runtime.ImportModuleError,
// both with the original as the message; any other error is the user's own, its name the error type.
function runtimeLoadError(error) {
  const named = (name, stack) => Object.assign(new Error(String(error)), { name }, stack ? { stack } : {});
  if (error instanceof SyntaxError) return named('Runtime.UserCodeSyntaxError', error.stack);
  if (error instanceof Error && error.code === 'MODULE_NOT_FOUND') return named('Runtime.ImportModuleError');
  return error;
}

// As aws-lambda-ric resolves _HANDLER: folders before the file name are a module root (absolute, or under
// LAMBDA_TASK_ROOT), the export follows the file name's first dot (`a.b` is nested), and the module is the
// first of "", .js, .mjs, .cjs that exists, then what require.resolve finds; `default` is looked into too.
async function loadHandler() {
  const handlerString = process.env._HANDLER ?? 'index.handler';
  const file = basename(handlerString);
  const match = /^([^.]*)\.(.*)$/.exec(file);
  if (!match) throw Object.assign(new Error('Bad handler'), { name: 'Runtime.MalformedHandlerName' });
  const [, moduleName, handlerName] = match;
  const moduleRoot = handlerString.substring(0, handlerString.indexOf(file)).replace(/\/$/, '');
  const root = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
  const withoutExtension = resolve(root, moduleRoot, moduleName);
  let module;
  try {
    for (const extension of ['', '.js', '.mjs', '.cjs']) {
      if (!existsSync(withoutExtension + extension)) continue;
      module = await import(pathToFileURL(withoutExtension + extension).href);
      break;
    }
    module ??= createRequire(import.meta.url)(
      createRequire(import.meta.url).resolve(moduleName, { paths: [root, join(root, moduleRoot)] }),
    );
  } catch (error) {
    throw runtimeLoadError(error);
  }
  const find = (from) =>
    handlerName.split('.').reduce((nested, key) => (nested && typeof nested === 'object' ? nested[key] : undefined), from);
  const handler = find(module) ?? (module && typeof module === 'object' && 'default' in module ? find(module.default) : undefined);
  if (typeof handler !== 'function') {
    throw Object.assign(new Error(`${handlerString} is ${handler ? 'not a function' : 'undefined or not exported'}`), {
      name: 'Runtime.HandlerNotFound',
    });
  }
  return handler;
}

// A handler with three parameters or more that does not stream is callback-style, as the Node.js runtimes
// before Node.js 24 ran it: the first of the callback and a returned promise settles the invocation.
function callHandler(handler, event, context) {
  if (handler.length < 3) return handler(event, context);
  return new Promise((resolve, reject) => {
    const returned = handler(event, context, (error, result) => (error ? reject(error) : resolve(result)));
    if (returned && typeof returned.then === 'function') returned.then(resolve, reject);
  });
}

function contextFrom(headers) {
  const deadline = Number(headers['lambda-runtime-deadline-ms']);
  return {
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

async function runStreaming(handler, event, context, requestId) {
  const stream = new PassThrough();
  const posted = new Promise((resolve, reject) => {
    const outgoing = request(
      `${base}/invocation/${requestId}/response`,
      {
        method: 'POST',
        agent,
        headers: { 'Lambda-Runtime-Function-Response-Mode': 'streaming', 'Transfer-Encoding': 'chunked' },
      },
      (response) => {
        response.resume();
        response.on('end', resolve);
      },
    );
    outgoing.on('error', reject);
    stream.pipe(outgoing);
  });
  await handler(event, stream, context);
  if (!stream.writableEnded) stream.end();
  await posted;
}

async function main() {
  let handler;
  try {
    handler = await loadHandler();
  } catch (error) {
    // The header and the body carry the same type, as aws-lambda-ric's postInitError sends them.
    const payload = errorPayload(error);
    await call('POST', '/init/error', payload, { 'Lambda-Runtime-Function-Error-Type': JSON.parse(payload).errorType });
    process.exit(1);
  }
  for (;;) {
    const next = await call('GET', '/invocation/next');
    const requestId = next.headers['lambda-runtime-aws-request-id'];
    currentRequestId = requestId;
    if (next.headers['lambda-runtime-trace-id']) process.env._X_AMZN_TRACE_ID = next.headers['lambda-runtime-trace-id'];
    else delete process.env._X_AMZN_TRACE_ID;
    const context = contextFrom(next.headers);
    try {
      const event = JSON.parse(next.body);
      if (handler[STREAMING] === 'response') {
        await runStreaming(handler, event, context, requestId);
      } else {
        const result = await callHandler(handler, event, context);
        await call('POST', `/invocation/${requestId}/response`, JSON.stringify(result ?? null));
      }
    } catch (error) {
      await call('POST', `/invocation/${requestId}/error`, errorPayload(error), { 'Lambda-Runtime-Function-Error-Type': 'Unhandled' });
    }
  }
}

await main();
