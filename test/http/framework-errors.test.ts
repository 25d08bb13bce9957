import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { API, assertRet, startTestApp, type TestApp } from '../helpers/app.js';

interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Reads one HTTP/1.1 response from the raw bytes a socket received until the server closed it. */
function parseRaw(raw: string): RawReply {
  const split = raw.indexOf('\r\n\r\n');
  assert.ok(split > 0, `an HTTP response, got ${JSON.stringify(raw.slice(0, 200))}`);
  const [statusLine = '', ...lines] = raw.slice(0, split).split('\r\n');
  const match = /^HTTP\/1\.1 (\d{3}) /.exec(statusLine);
  assert.ok(match, `a status line, got ${statusLine}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(match[1]), headers, body: raw.slice(split + 4) };
}

/** Opens a socket to the app, optionally writes `bytes`, and collects everything until the server closes. */
function exchange(port: number, bytes?: string, afterConnect?: () => void): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.on('connect', () => {
      if (bytes !== undefined) socket.write(bytes);
      afterConnect?.();
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The server may close while we are still writing an oversized request: what arrived counts.
    socket.on('error', () => {});
    socket.on('close', () => {
      try {
        resolve(parseRaw(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        reject(error as Error);
      }
    });
  });
}

function assertContractReply(reply: RawReply, status: number, reCode: string): void {
  assert.equal(reply.status, status, reply.body);
  assert.equal(reply.headers['content-type'], 'application/json; charset=utf-8');
  assert.equal(Number(reply.headers['content-length']), Buffer.byteLength(reply.body));
  assert.equal(reply.headers.connection, 'close');
  const body = JSON.parse(reply.body) as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), ['msg', 're_code']);
  assert.equal(body.re_code, reCode);
  assert.equal(typeof body.msg, 'string');
  assert.notEqual(body.msg, '');
}

describe('replies the framework makes before any route still carry {re_code, msg}', () => {
  let t: TestApp;
  let port: number;
  before(async () => {
    t = await startTestApp();
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    port = (t.app.server.address() as AddressInfo).port;
  });
  after(() => t.close());

  it('an undecodable URL is 400 PARAMERR, not Fastify’s own error body', async () => {
    const response = await t.app.inject({ method: 'GET', url: `${API}/imageCode/%00%ff..%2f` });
    const body = assertRet(response, '4103', 400);
    assert.equal(body.msg, '请求地址格式错误');
    assert.equal(body.code, undefined);
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    assert.equal(response.headers['cache-control'], 'no-store');
    const english = await t.app.inject({
      method: 'GET',
      url: `${API}/sessions/%e4%zz`,
      headers: { 'accept-language': 'en' },
    });
    assert.equal(assertRet(english, '4103', 400).msg, 'The request URL is malformed');
  });

  it('a path parameter past the length limit is 414 REQERR', async () => {
    const response = await t.app.inject({
      method: 'PUT',
      url: `${API}/admin/users/${'1'.repeat(200)}`,
      payload: { action: 'enable' },
    });
    assertRet(response, '4201', 414);
  });

  it('headers larger than the parser accepts are 431 REQERR over a real socket', async () => {
    const request = `GET ${API}/users HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: ${'a'.repeat(20_000)}\r\n\r\n`;
    const reply = await exchange(port, request);
    assertContractReply(reply, 431, '4201');
    assert.equal(JSON.parse(reply.body).msg, '请求头过大');
  });

  it('bytes that are not HTTP are 400 PARAMERR over a real socket', async () => {
    const reply = await exchange(port, 'HELLO THERE\r\n\r\n');
    assertContractReply(reply, 400, '4103');
    assert.equal(JSON.parse(reply.body).msg, '请求格式错误');
  });

  it('a request that does not arrive in time is 408 REQERR', async () => {
    // Node checks its header timeout only every 30 s; the parser's refusal is raised here
    // the way Node raises it, on the server side of a real connection.
    let serverSide: net.Socket | undefined;
    const connected = new Promise<void>((resolve) =>
      t.app.server.once('connection', (socket: net.Socket) => {
        serverSide = socket;
        resolve();
      }),
    );
    const reply = exchange(port, `GET ${API}/users HTTP/1.1\r\nHost: 127.0.0.1\r\n`, () => {
      void connected.then(() => {
        const timeout = Object.assign(new Error('Request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' });
        t.app.server.emit('clientError', timeout, serverSide);
      });
    });
    assertContractReply(await reply, 408, '4201');
  });

  it('the server keeps answering after a refused connection', async () => {
    await exchange(port, 'HELLO THERE\r\n\r\n');
    const reply = await exchange(
      port,
      `GET ${API}/users HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
    );
    assert.equal(reply.status, 200);
    assert.equal(JSON.parse(reply.body).re_code, '4101');
  });
});
