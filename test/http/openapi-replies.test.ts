import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { API, startTestApp, type TestApp } from '../helpers/app.js';
import { OpenApiReplies, type SeenReply } from '../helpers/openapi-replies.js';

/** The check every test's replies go through (test/helpers/app.ts) finds what is wrong. */
describe('replies are checked against the OpenAPI document', () => {
  let t: TestApp;
  let checker: OpenApiReplies;
  let refusal: SeenReply;
  before(async () => {
    t = await startTestApp();
    checker = new OpenApiReplies((await t.app.inject({ url: `${API}/openapi.json` })).json());
    const response = await t.app.inject({ url: `${API}/users` });
    refusal = {
      method: 'GET',
      url: `${API}/users`,
      statusCode: response.statusCode,
      headers: response.headers,
      body: response.body,
    };
  });
  after(() => t.close());

  it('a reply as the server sends it fits', () => {
    assert.equal(JSON.parse(String(refusal.body)).reason, 'notLoggedIn');
    assert.deepEqual(checker.check(refusal), []);
  });

  it('a body without re_code, or with a reason not in the list, does not fit', () => {
    const problems = checker.check({ ...refusal, body: JSON.stringify({ msg: '用户未登录' }) });
    assert.match(problems.join(), /re_code/);
    const unknown = checker.check({
      ...refusal,
      body: JSON.stringify({ re_code: '4101', msg: 'x', reason: 'notAReason' }),
    });
    assert.match(unknown.join(), /reason/);
  });

  it('a status the operation does not declare does not fit', () => {
    assert.match(checker.check({ ...refusal, statusCode: 418 }).join(), /status not in the document/);
    assert.match(checker.check({ ...refusal, url: `${API}/nowhere` }).join(), /no operation here/);
  });

  it('a missing X-Request-Id, or a Retry-After that is no number of seconds, does not fit', () => {
    const { 'x-request-id': _id, ...withoutId } = refusal.headers;
    assert.match(checker.check({ ...refusal, headers: withoutId }).join(), /x-request-id missing/);
    assert.match(
      checker.check({ ...refusal, headers: { ...refusal.headers, 'retry-after': 'soon' } }).join(),
      /retry-after/,
    );
  });

  it('a header the operation does not declare, and a content type it does not, do not fit', () => {
    const experts = { ...refusal, url: `${API}/experts`, headers: { ...refusal.headers } };
    assert.deepEqual(checker.check(experts), []);
    const cookie = { ...experts, headers: { ...experts.headers, 'set-cookie': 'session=x' } };
    assert.match(checker.check(cookie).join(), /set-cookie sent but not in the document/);
    const html = { ...experts, headers: { ...experts.headers, 'content-type': 'text/html' } };
    assert.match(checker.check(html).join(), /content type "text\/html" not in the document/);
  });

  it('a test whose app sends a reply the document does not describe fails', async () => {
    const wrong = await startTestApp();
    try {
      // A path the document does not have must be 404; this one answers 200.
      wrong.app.get(`${API}/undocumented`, async () => ({ re_code: '0', msg: 'ok' }));
      await assert.rejects(wrong.app.inject({ url: `${API}/undocumented` }), /fits the OpenAPI document/);
      // Over a socket there is no inject to reject: closing the app reports it.
      const address = await wrong.app.listen({ port: 0, host: '127.0.0.1' });
      assert.equal((await fetch(`${address}${API}/undocumented`)).status, 200);
    } finally {
      await assert.rejects(wrong.close(), /OpenAPI document does not describe/);
    }
  });
});
