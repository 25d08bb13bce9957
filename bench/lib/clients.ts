// The load that wrk cannot make: steps that depend on an earlier reply (a captcha's text,
// an SMS code) through autocannon's per-connection request sequences, and an open-loop
// prober that asks at a fixed rate whatever the server's speed.
import http from 'node:http';
import autocannon from 'autocannon';

const API = '/api/1.0';

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}

function header(headers: Record<string, string | string[]>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

export interface Captcha {
  uuid: string;
  text: string;
}

let uuidCounter = 0;

/**
 * Draws `amount` captchas through the test hook (X-Captcha-Text) and returns them, for
 * POST /smsCode requests that each carry a fresh, right captcha.
 */
export async function harvestCaptchas(origin: string, amount: number, connections = 32): Promise<Captcha[]> {
  const captchas: Captcha[] = [];
  const prefix = `h${process.pid.toString(36)}${Date.now().toString(36)}`;
  await autocannon({
    url: origin,
    connections: Math.min(connections, amount),
    amount,
    timeout: 30,
    requests: [
      {
        method: 'GET',
        setupRequest: (request, context) => {
          uuidCounter += 1;
          context.uuid = `${prefix}-${uuidCounter}`;
          return { ...request, path: `${API}/imageCode?uuid=${context.uuid as string}` };
        },
        onResponse: (status, _body, context, headers) => {
          const text = header(headers, 'x-captcha-text');
          if (status === 200 && text !== undefined) captchas.push({ uuid: context.uuid as string, text });
        },
      },
    ],
  });
  return captchas;
}

export interface FlowResult {
  /** Registrations that succeeded, per second. */
  rate: number;
  ok: number;
  bad: number;
  sample: string;
  seconds: number;
  /** Whole flow (captcha → smsCode → test/sms → register), ms. */
  latencyMs: { p50: number; p99: number; max: number };
  requests: number;
}

/**
 * A whole registration per connection, over and over: GET /imageCode, POST /smsCode with
 * its text, GET /test/sms for the code, POST /register. Each flow uses a new phone.
 */
export async function registrationFlows(
  origin: string,
  connections: number,
  seconds: number,
  nextPhone: () => string,
): Promise<FlowResult> {
  const durations: number[] = [];
  let ok = 0;
  let bad = 0;
  let sample = '';
  const prefix = `f${process.pid.toString(36)}${Date.now().toString(36)}`;
  const json = { 'content-type': 'application/json' };
  const fail = (body: string) => {
    bad += 1;
    if (sample === '') sample = body.slice(0, 200);
  };
  const result = await autocannon({
    url: origin,
    connections,
    duration: seconds,
    timeout: 60,
    requests: [
      {
        method: 'GET',
        setupRequest: (request, context) => {
          uuidCounter += 1;
          context.uuid = `${prefix}-${uuidCounter}`;
          context.phone = nextPhone();
          context.started = performance.now();
          return { ...request, path: `${API}/imageCode?uuid=${context.uuid as string}` };
        },
        onResponse: (_status, _body, context, headers) => {
          context.text = header(headers, 'x-captcha-text') ?? '';
        },
      },
      {
        method: 'POST',
        setupRequest: (request, context) => ({
          ...request,
          path: `${API}/smsCode`,
          headers: json,
          body: JSON.stringify({ phone: context.phone, img_code_client: context.text, uuid: context.uuid }),
        }),
      },
      {
        method: 'GET',
        setupRequest: (request, context) => ({
          ...request,
          path: `${API}/test/sms?phone=${context.phone as string}`,
        }),
        onResponse: (_status, body, context) => {
          context.code = /"code":"(\d+)"/.exec(body)?.[1] ?? '';
        },
      },
      {
        method: 'POST',
        setupRequest: (request, context) => ({
          ...request,
          path: `${API}/register`,
          headers: json,
          body: JSON.stringify({
            phone: context.phone,
            phone_code: context.code,
            password: 'bench flow password',
            password2: 'bench flow password',
          }),
        }),
        onResponse: (status, body, context) => {
          if (status === 200 && body.includes('"re_code":"0"')) {
            ok += 1;
            durations.push(performance.now() - (context.started as number));
          } else {
            fail(body);
          }
        },
      },
    ],
  });
  return {
    rate: ok / result.duration,
    ok,
    bad,
    sample,
    seconds: result.duration,
    latencyMs: {
      p50: quantile(durations, 0.5),
      p99: quantile(durations, 0.99),
      max: Math.max(0, ...durations),
    },
    requests: result.requests.total,
  };
}

export interface ProbeResult {
  sent: number;
  ok: number;
  bad: number;
  sample: string;
  rate: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
}

/**
 * Open loop: `perSecond` GETs at evenly spaced times for `seconds`, each timed from the
 * moment it was due (so a stalled server cannot hide its stall by slowing the prober).
 */
export async function probe(
  origin: string,
  path: string | ((i: number) => string),
  headers: Record<string, string>,
  perSecond: number,
  seconds: number,
  /** Is this reply right? Default: 200 with `re_code` "0". */
  accept: (status: number | undefined, contentType: string | undefined, body: Buffer) => boolean = (
    status,
    _type,
    body,
  ) => status === 200 && body.includes('"re_code":"0"'),
  graceSeconds = 5,
): Promise<ProbeResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const urlOf = (i: number) => new URL(typeof path === 'string' ? path : path(i), origin);
  const latencies: number[] = [];
  let ok = 0;
  let bad = 0;
  let sample = '';
  const total = Math.round(perSecond * seconds);
  const interval = 1000 / perSecond;
  const start = performance.now();
  const unanswered = new Set<http.ClientRequest>();
  const one = (due: number, i: number) =>
    new Promise<void>((resolve) => {
      let settled = false;
      const settle = (right: boolean, why: string) => {
        if (settled) return;
        settled = true;
        unanswered.delete(request);
        if (right) ok += 1;
        else {
          bad += 1;
          if (sample === '') sample = why;
        }
        resolve();
      };
      const request = http.get(urlOf(i), { agent, headers, timeout: 30_000 }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          latencies.push(performance.now() - due);
          const body = Buffer.concat(chunks);
          settle(
            accept(response.statusCode, response.headers['content-type'], body),
            `${response.statusCode} ${body.toString('utf8', 0, 200)}`,
          );
        });
      });
      unanswered.add(request);
      request.on('error', (error) => settle(false, error.message));
      request.on('close', () => settle(false, 'closed before the reply'));
      request.on('timeout', () => request.destroy(new Error('timed out')));
    });
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(one(due, i));
  }
  // A server that cannot keep up would have the rest queue for minutes: what is not answered
  // within `graceSeconds` of the last send counts as failed (its socket is closed).
  const all = Promise.all(pending);
  let timer: NodeJS.Timeout | undefined;
  const late = await Promise.race([
    all.then(() => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceSeconds * 1000))),
  ]);
  clearTimeout(timer);
  const elapsed = (performance.now() - start) / 1000;
  if (late && sample === '') sample = `not answered within ${graceSeconds} s of the last request sent`;
  for (const request of unanswered) request.destroy(new Error(`not answered within ${graceSeconds} s`));
  agent.destroy();
  await all;
  return {
    sent: total,
    ok,
    bad,
    sample,
    rate: ok / elapsed,
    latencyMs: {
      p50: quantile(latencies, 0.5),
      p90: quantile(latencies, 0.9),
      p99: quantile(latencies, 0.99),
      max: Math.max(0, ...latencies),
    },
  };
}

/** Logs in `phones` (all with `password`), a few at a time; returns their session ids. */
export async function logIn(
  origin: string,
  phones: string[],
  password: string,
  parallel = 8,
  timeoutMs = 60_000,
): Promise<string[]> {
  const sessions: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < phones.length) {
      const phone = phones[next++];
      const response = await fetch(`${origin}${API}/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ phone, password }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = await response.text();
      const session = /(?:^|[;,]\s*)session=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1];
      if (!body.includes('"re_code":"0"') || session === undefined) {
        throw new Error(`could not log in ${phone}: ${response.status} ${body}`);
      }
      sessions.push(session);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return sessions;
}
