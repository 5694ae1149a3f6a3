// A small Lambda runtime client (what the managed Node.js runtime does), in plain JavaScript so users need
// no native build: it loads the handler named by _HANDLER from LAMBDA_TASK_ROOT, then loops on the Runtime
// API — GET /next, run, POST /response or /error — exactly where Lambda freezes the process.
// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
import { Agent, request } from 'node:http';
import { join } from 'node:path';
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

async function loadHandler() {
  const [file, name] = (process.env._HANDLER ?? 'index.handler').split(/\.(?=[^.]+$)/);
  const root = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
  for (const extension of ['.mjs', '.js', '.cjs']) {
    try {
      const module = await import(pathToFileURL(join(root, file + extension)).href);
      if (typeof module[name] === 'function') return module[name];
      throw new Error(`${file}${extension} has no exported function "${name}"`);
    } catch (error) {
      if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes(file)) throw error;
    }
  }
  throw new Error(`cannot find the handler module ${file} in ${root}`);
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
    await call('POST', '/init/error', errorPayload(error), { 'Lambda-Runtime-Function-Error-Type': 'Runtime.ImportModuleError' });
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
        const result = await handler(event, context);
        await call('POST', `/invocation/${requestId}/response`, JSON.stringify(result ?? null));
      }
    } catch (error) {
      await call('POST', `/invocation/${requestId}/error`, errorPayload(error), { 'Lambda-Runtime-Function-Error-Type': 'Unhandled' });
    }
  }
}

await main();
