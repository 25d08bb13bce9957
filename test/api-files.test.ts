import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { apiFiles } from '../scripts/api-files.js';
import { REASONS, RET_REASONS } from '../src/shared/api-codes.js';

describe('the files made from the API’s definitions', () => {
  it('web/src/api-types.ts and docs/reasons.md are what the document and the reasons make now', async () => {
    for (const [file, text] of Object.entries(await apiFiles())) {
      assert.equal(fs.readFileSync(file, 'utf8'), text, `${file} has drifted: run \`npm run api:files\``);
    }
  });

  it('every reason is documented, and every RET code’s own word is a reason', () => {
    const doc = fs.readFileSync('docs/reasons.md', 'utf8');
    for (const reason of Object.keys(REASONS)) assert.ok(doc.includes(`\`${reason}\``), reason);
    for (const reason of Object.values(RET_REASONS)) assert.ok(reason in REASONS, reason);
  });
});
