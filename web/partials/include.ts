import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const PARTIAL = /^([ \t]*)<!-- partial: ([\w.-]+\.html) -->$/gm;

/**
 * A page with the markup every page shares (web/partials/) put where it says
 * `<!-- partial: name.html -->`, indented as the comment is. Used by the build
 * (web/vite.config.ts) and by the tests that read the pages' sources. A missing partial
 * throws, so a page never ships with a hole in it.
 */
export function includePartials(html: string): string {
  return html.replace(PARTIAL, (_, indent: string, name: string) =>
    fs
      .readFileSync(fileURLToPath(new URL(name, import.meta.url)), 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => (line === '' ? line : indent + line))
      .join('\n'),
  );
}
