// `npm run readme`: rewrites the README's list of SMS providers from src/sms/registry.ts.
// test/readme.test.ts fails while the README's list differs from what this writes.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SMS_PROVIDER_DEFINITIONS } from '../src/sms/registry.js';
import type { ProviderSetting } from '../src/sms/provider-definition.js';

export const README = path.resolve(import.meta.dirname, '..', 'README.md');
const START = '<!-- sms-providers: written by `npm run readme` from src/sms/registry.ts -->';
const END = '<!-- end of sms-providers -->';

function settingLine(name: string, setting: ProviderSetting): string {
  const how =
    setting.required === true
      ? 'required'
      : setting.default !== undefined
        ? `default \`${setting.default}\``
        : 'optional';
  return `  - \`${name}\` (${how}): ${setting.about}`;
}

/** The block as the README holds it, markers included. */
export function renderSmsProviders(): string {
  const lines = [START, ''];
  for (const provider of SMS_PROVIDER_DEFINITIONS) {
    lines.push(`- \`${provider.name}\`: ${provider.title}`);
    for (const [name, setting] of Object.entries<ProviderSetting>(provider.settings)) {
      lines.push(settingLine(name, setting));
    }
  }
  lines.push('', END);
  return lines.join('\n');
}

/** The README's block as it stands, markers included (undefined when the markers are missing). */
export function currentSmsProviders(readme: string): string | undefined {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  return start === -1 || end < start ? undefined : readme.slice(start, end + END.length);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const readme = fs.readFileSync(README, 'utf8');
  const current = currentSmsProviders(readme);
  if (current === undefined) throw new Error(`README.md lacks the markers ${START} … ${END}`);
  fs.writeFileSync(README, readme.replace(current, renderSmsProviders()));
  console.log('README.md: SMS providers rewritten from src/sms/registry.ts');
}
