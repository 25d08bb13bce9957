import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from './helpers/server-process.js';

const semver = createRequire(import.meta.url)('semver') as {
  satisfies(version: string, range: string): boolean;
  minVersion(range: string): { version: string } | null;
};

interface Lock {
  packages: Record<string, { engines?: { node?: string } | string[] }>;
}

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
};
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as Lock;

describe('engines and dependencies agree', () => {
  it('every locked package runs on the oldest Node.js that package.json claims (no EBADENGINE at npm ci)', () => {
    const oldest = semver.minVersion(manifest.engines.node)?.version;
    assert.ok(oldest !== undefined, `engines.node "${manifest.engines.node}" names a version`);
    const refusing = Object.entries(lock.packages)
      .filter(([name]) => name !== '')
      .flatMap(([name, entry]) => {
        const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
        return range !== undefined && !semver.satisfies(oldest, range) ? [`${name} wants node ${range}`] : [];
      });
    assert.deepEqual(refusing, [], `on Node.js ${oldest}`);
  });

  it('the Node.js running the tests is one that package.json admits', () => {
    assert.ok(semver.satisfies(process.versions.node, manifest.engines.node), process.versions.node);
  });
});
