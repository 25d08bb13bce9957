import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  PROFILE_FIELDS,
  PROFILE_FIELD_NAMES,
  profileBodySchema,
  sentMaxLength,
  type ProfileFieldSpec,
} from '../../src/shared/profile-fields.js';
import {
  API,
  assertRet,
  newPhone,
  registerAccount,
  startTestApp,
  whoAmI,
  type TestApp,
} from '../helpers/app.js';

/*
 * PUT /users as src/shared/profile-fields.ts defines it: each test walks the definition,
 * so a field added there or a limit moved is checked here without a line changed.
 */

/** A value just inside the field's bounds, and one just outside them. */
function edges(field: ProfileFieldSpec): { inside: string; outside: string; limit: number | string } {
  switch (field.kind) {
    case 'text':
      return {
        inside: '名'.repeat(field.maxLength),
        outside: '名'.repeat(field.maxLength + 1),
        limit: field.maxLength,
      };
    case 'wholeNumber':
      return { inside: String(field.max), outside: String(field.max + 1), limit: field.max };
    case 'choice':
      return { inside: field.choices[0] ?? '', outside: 'not-a-choice', limit: field.choices[0] ?? '' };
  }
}

describe('PUT /users follows the profile fields’ definition', () => {
  let t: TestApp;
  let doctor: string;
  let patient: string;
  before(async () => {
    t = await startTestApp();
    doctor = await registerAccount(t.app, newPhone(), 'correct horse', 'expert');
    patient = await registerAccount(t.app, newPhone(), 'correct horse', 'patient');
  });
  after(() => t.close());

  const edit = (session: string, body: object) =>
    t.app.inject({
      method: 'PUT',
      url: `${API}/users`,
      cookies: { session },
      headers: { 'accept-language': 'en' },
      payload: body,
    });
  /** GET /users' fields, wherever the reply puts them (`user` or `account`). */
  const stored = async (session: string): Promise<Record<string, unknown>> => {
    const me = assertRet(await whoAmI(t.app, session), '0');
    return { ...(me.account as object), ...(me.user as object) };
  };

  it('the OpenAPI document gives each field the bounded string schema derived from the definition', async () => {
    const doc = (await t.app.inject({ url: `${API}/openapi.json` })).json();
    let body = doc.paths['/api/1.0/users'].put.requestBody.content['application/json'].schema;
    if (typeof body.$ref === 'string') body = doc.components.schemas[body.$ref.split('/').pop()];
    const derived = profileBodySchema(PROFILE_FIELDS).properties;
    assert.deepEqual(Object.keys(body.properties), PROFILE_FIELD_NAMES);
    for (const name of PROFILE_FIELD_NAMES) {
      const { type, maxLength } = body.properties[name];
      assert.deepEqual(
        { type, maxLength },
        { type: derived[name]?.type, maxLength: derived[name]?.maxLength },
        name,
      );
    }
  });

  it('each field takes a value at its limit and refuses one past it, saying the limit', async () => {
    for (const name of PROFILE_FIELD_NAMES) {
      const { inside, outside, limit } = edges(PROFILE_FIELDS[name]);
      assertRet(await edit(doctor, { [name]: inside }), '0');
      const expected = PROFILE_FIELDS[name].kind === 'wholeNumber' ? Number(inside) : inside;
      assert.equal((await stored(doctor))[name], expected, `${name} saved`);
      const refused = assertRet(await edit(doctor, { [name]: outside }), '4103');
      assert.ok(String(refused.msg).includes(String(limit)), `${name}: ${String(refused.msg)}`);
    }
  });

  it('a value longer than the field could hold even with spaces around it is refused by the schema', async () => {
    for (const name of PROFILE_FIELD_NAMES) {
      const tooLong = 'x'.repeat(sentMaxLength(PROFILE_FIELDS[name]) + 1);
      const refused = assertRet(await edit(doctor, { [name]: tooLong }), '4103');
      assert.match(String(refused.msg), new RegExp(`^${name} is too long`), name);
    }
  });

  it('"" clears a clearable field to null and is refused for the others', async () => {
    for (const name of PROFILE_FIELD_NAMES) {
      if (PROFILE_FIELDS[name].clearable) {
        assertRet(await edit(doctor, { [name]: edges(PROFILE_FIELDS[name]).inside }), '0');
        assertRet(await edit(doctor, { [name]: '' }), '0');
        assert.equal((await stored(doctor))[name], null, `${name} cleared`);
      } else {
        assertRet(await edit(doctor, { [name]: '' }), '4103');
      }
    }
  });

  it('a patient may set the fields everyone sets; a doctors’ field is ROLEERR', async () => {
    for (const name of PROFILE_FIELD_NAMES) {
      const { inside } = edges(PROFILE_FIELDS[name]);
      assertRet(
        await edit(patient, { [name]: inside }),
        PROFILE_FIELDS[name].setBy === 'doctors' ? '4105' : '0',
      );
    }
  });
});
