import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { currentSmsProviders, README, renderSmsProviders } from '../scripts/readme-sms-providers.js';
import { SETTING_NAMES } from '../src/config.js';
import { RET } from '../src/ret.js';
import { SMS_PROVIDER_DEFINITIONS } from '../src/sms/registry.js';
import { ROOT } from './helpers/server-process.js';

const readme = fs.readFileSync(README, 'utf8');
const docs = fs
  .readdirSync(path.join(ROOT, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => path.join('docs', name));

/** The text of one `## ` section of the README, without its heading. */
function section(heading: string): string {
  const start = readme.indexOf(`\n## ${heading}\n`);
  assert.ok(start !== -1, `README has a "## ${heading}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

function backticked(text: string): string[] {
  return [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1] ?? '');
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    return entry.isDirectory() ? [relative, ...filesUnder(relative)] : [relative];
  });
}

describe('the README is true and whole', () => {
  it('every variable config.ts reads is described in the Configuration section', () => {
    const configuration = section('Configuration');
    const missing = SETTING_NAMES.filter((name) => !configuration.includes(`- \`${name}\` `));
    assert.deepEqual(missing, []);
  });

  it('the Configuration section describes no variable that config.ts does not read', () => {
    const described = [...section('Configuration').matchAll(/^- `([A-Z][A-Z0-9_]+)`/gm)].map((m) => m[1]);
    const unknown = described.filter((name) => !(SETTING_NAMES as readonly string[]).includes(name ?? ''));
    assert.deepEqual(unknown, []);
  });

  it("the SMS providers' list is the one src/sms/registry.ts writes (`npm run readme`), every variable included", () => {
    assert.equal(currentSmsProviders(readme), renderSmsProviders());
    for (const provider of SMS_PROVIDER_DEFINITIONS) {
      for (const name of Object.keys(provider.settings)) assert.ok(readme.includes(`\`${name}\``), name);
    }
  });

  it('"Where things are" names every folder of src/ and every route and plugin file, and every path it names exists', () => {
    const where = section('Where things are');
    const named = backticked(where);
    const folders = filesUnder('src').filter((p) => fs.statSync(path.join(ROOT, p)).isDirectory());
    for (const folder of folders) {
      const base = `${path.basename(folder)}/`;
      assert.ok(named.includes(`${folder}/`) || named.includes(base), `${folder}/ is named`);
    }
    for (const dir of ['src/http/routes', 'src/http/plugins', 'src/services']) {
      for (const file of fs.readdirSync(path.join(ROOT, dir)))
        assert.ok(named.includes(file), `${dir}/${file}`);
    }
    // Named by path from the root, or by a bare name that some file or folder of src/, scripts/ or bin/ has.
    const everything = [...filesUnder('src'), ...filesUnder('scripts'), ...filesUnder('bin')];
    const built = ['dist/main.cjs'];
    for (const token of named.filter((t) => /^[\w.-]+(\/[\w.-]+)*(\.(ts|mjs|cjs|js)|\/)$/.test(t))) {
      const bare = token.replace(/\/$/, '');
      const exists = /^(src|scripts|bin|docs|web|test|bench)\//.test(token)
        ? fs.existsSync(path.join(ROOT, token))
        : built.includes(token) || everything.some((file) => path.basename(file) === bare);
      assert.ok(exists, `"Where things are" names ${token}, which does not exist`);
    }
  });

  it('no link leaves the clone: every relative link in the README and docs/ names a file that exists', () => {
    for (const file of ['README.md', ...docs]) {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      for (const [, target = ''] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?:|#|mailto:)/.test(target)) continue;
        const resolved = path.resolve(ROOT, path.dirname(file), target.split('#')[0] ?? '');
        assert.ok(resolved.startsWith(`${ROOT}${path.sep}`), `${file}: ${target} leaves the repository`);
        assert.ok(fs.existsSync(resolved), `${file}: ${target} does not exist`);
      }
      assert.ok(!text.includes('../shared/'), `${file} points outside the clone`);
    }
  });

  it('no tables: the README and docs/ use lists, so that changing one row changes one line', () => {
    for (const file of ['README.md', ...docs]) {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '');
      const rows = text.split('\n').filter((line) => /^\s*\|.*\|\s*$/.test(line));
      assert.deepEqual(rows, [], file);
    }
  });

  it('docs/api.md lists every RET code of src/ret.ts with its name', () => {
    const api = fs.readFileSync(path.join(ROOT, 'docs/api.md'), 'utf8');
    for (const [name, code] of Object.entries(RET))
      assert.match(api, new RegExp(`^- \`${code}\` ${name}: `, 'm'));
  });

  it('the Node.js version the README asks for is the one package.json declares', () => {
    const engines = (
      JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }
    ).engines.node;
    const version = /^>=(\d+\.\d+)$/.exec(engines)?.[1];
    assert.ok(version !== undefined, engines);
    assert.ok(section('Quick start').includes(`Node.js ${version} or later`));
  });

  it('the webhook verification snippet accepts a good signature and refuses one of another length without throwing', () => {
    const snippet = /```js\n([\s\S]*?)```/.exec(section('Sending real SMS'))?.[1];
    assert.ok(snippet !== undefined, 'the README has the snippet');
    const verify = new Function(
      'crypto',
      'secret',
      'ts',
      'rawBody',
      'signature',
      `${snippet}\nreturn ok;`,
    ) as (...args: unknown[]) => boolean;
    const secret = 'a'.repeat(32);
    const ts = String(Math.floor(Date.now() / 1000));
    const body = '{"phone":"13812345678","code":"048213"}';
    const good = `sha256=${crypto.createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex')}`;
    assert.equal(verify(crypto, secret, ts, body, good), true);
    assert.equal(verify(crypto, secret, ts, body, 'sha256=short'), false);
    assert.equal(verify(crypto, secret, ts, body, ''), false);
    assert.equal(verify(crypto, secret, String(Number(ts) - 600), body, good), false);
    assert.equal(verify(crypto, secret, ts, `${body} `, good), false);
  });
});
