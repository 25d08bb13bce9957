import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { API, startTestApp, type TestApp } from '../helpers/app.js';

interface MediaType {
  schema: Record<string, unknown>;
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}

interface Operation {
  summary?: string;
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, { content?: Record<string, MediaType> }>;
}

describe('the OpenAPI document', () => {
  let t: TestApp;
  let doc: {
    openapi: string;
    paths: Record<string, Record<string, Operation>>;
    components: Record<string, unknown>;
  };
  before(async () => {
    t = await startTestApp();
    const response = await t.app.inject({ url: `${API}/openapi.json` });
    assert.equal(response.statusCode, 200);
    doc = response.json();
  });
  after(() => t.close());

  it('is OpenAPI 3.1 and describes the RET codes and the session cookie', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual((doc.components.securitySchemes as Record<string, unknown>).session, {
      type: 'apiKey',
      in: 'cookie',
      name: 'session',
    });
    const description = JSON.stringify(doc);
    for (const code of ['4001', '4002', '4103', '4201', '4501']) assert.ok(description.includes(code), code);
  });

  it('lists every route the app serves, except the ones hidden on purpose', () => {
    const served = t.app.registeredRoutes.filter((r) => !r.hidden && r.method !== 'HEAD');
    assert.ok(served.length >= 8);
    for (const route of served) {
      const path = route.url.replace(/:([A-Za-z_]+)/g, '{$1}');
      assert.ok(
        doc.paths[path]?.[route.method.toLowerCase()],
        `${route.method} ${route.url} is in the document`,
      );
    }
    for (const path of [
      '/api/1.0/register',
      '/api/1.0/sessions',
      '/api/1.0/smsCode',
      '/api/1.0/imageCode',
      '/api/1.0/users',
    ]) {
      assert.ok(doc.paths[path], path);
    }
  });

  it('every schema that validates requests, and every shared one, is valid JSON Schema', () => {
    // Start-up compiles the schemas without checking them against the meta-schema (app.ts).
    const ajv = new Ajv({ strict: false });
    const problems: string[] = [];
    const check = (where: string, schema: unknown) => {
      if (!ajv.validateSchema(schema as object)) problems.push(`${where}: ${ajv.errorsText(ajv.errors)}`);
    };
    let checked = 0;
    for (const [id, schema] of Object.entries(t.app.getSchemas())) {
      check(id, schema);
      checked += 1;
    }
    for (const route of t.app.registeredRoutes) {
      for (const part of ['body', 'querystring', 'params', 'headers'] as const) {
        const schema = route.schema?.[part];
        if (schema === undefined) continue;
        check(`${route.method} ${route.url} ${part}`, schema);
        checked += 1;
      }
    }
    assert.deepEqual(problems, []);
    assert.ok(checked >= 20, `${checked} schemas`);
    check('a misspelt type', { type: 'strnig' });
    assert.equal(problems.length, 1, 'the check tells a wrong schema');
  });

  it('has examples for every JSON body, and each validates against its schema', () => {
    const ajv = new Ajv({ strict: false, formats: { binary: true } });
    ajv.addSchema(doc, 'openapi', undefined, false);
    const compile = (schema: Record<string, unknown>) =>
      ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/')));
    const examplesOf = (media: MediaType): unknown[] => [
      ...(media.example === undefined ? [] : [media.example]),
      ...Object.values(media.examples ?? {}).map((e) => e.value),
    ];
    let checked = 0;
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const bodies = Object.values(operation.requestBody?.content ?? {});
        for (const media of bodies)
          assert.ok(examplesOf(media).length > 0, `${method} ${path} body has examples`);
        const replies = Object.values(operation.responses).flatMap((r) => Object.values(r.content ?? {}));
        for (const media of [...bodies, ...replies]) {
          const validate = compile(media.schema);
          for (const example of examplesOf(media)) {
            const valid = validate(example);
            assert.ok(
              valid,
              `${method} ${path} example ${JSON.stringify(example)}: ${ajv.errorsText(validate.errors)}`,
            );
            checked += 1;
          }
        }
      }
    }
    assert.ok(checked >= 14, `${checked} examples checked`);
  });

  it('its request examples are accepted by the running service’s own validation', async () => {
    const media = doc.paths['/api/1.0/sessions']?.post?.requestBody?.content['application/json'];
    const examples = [media?.example, ...Object.values(media?.examples ?? {}).map((e) => e.value)].filter(
      Boolean,
    );
    assert.ok(examples.length > 0);
    for (const example of examples as object[]) {
      const response = await t.app.inject({ method: 'POST', url: `${API}/sessions`, payload: example });
      assert.notEqual(response.json().re_code, '4103', JSON.stringify(example));
    }
  });
});
