import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `<!-- partial: name.html -->`, or with arguments: `<!-- partial: name.html key="value" other="" -->` */
const PARTIAL = /^([ \t]*)<!-- partial: ([\w.-]+\.html)((?:\s+[\w-]+="[^"]*")*)\s*-->$/gm;
const ARGUMENT = /([\w-]+)="([^"]*)"/g;
/** `{{key}}` in a partial; the space before it goes too when the value is empty. */
const PLACEHOLDER = /( ?)\{\{([\w-]+)\}\}/g;

/** The directory of the partials; the dev server reloads the pages when a file in it changes. */
export const PARTIALS_DIR = fileURLToPath(new URL('.', import.meta.url));

function fill(name: string, markup: string, args: Map<string, string>): string[] {
  const used = new Set<string>();
  const lines = markup.split('\n').flatMap((line) => {
    const filled = line.replace(PLACEHOLDER, (_, space: string, key: string) => {
      const value = args.get(key);
      if (value === undefined) throw new Error(`partial ${name} needs ${key}="…"`);
      used.add(key);
      return value === '' ? '' : space + value;
    });
    // An attribute on a line of its own, left out: no blank line inside the tag.
    return filled !== line && filled.trim() === '' ? [] : [filled];
  });
  const unused = [...args.keys()].filter((key) => !used.has(key));
  if (unused.length > 0) throw new Error(`partial ${name} takes no ${unused.join(', ')}`);
  return lines;
}

/**
 * A page with the markup pages share (web/partials/) put where it says
 * `<!-- partial: name.html -->`, indented as the comment is. A partial's `{{key}}` is
 * the `key="value"` of the comment, for what differs from page to page (an attribute
 * such as `hidden` or `required`). Used by the build and the dev server
 * (web/vite.config.ts) and by the tests that read the pages' sources. A missing partial,
 * a missing argument or one the partial does not take throws, so a page never ships
 * with a hole in it.
 */
export function includePartials(html: string): string {
  return html.replace(PARTIAL, (_, indent: string, name: string, argText: string) => {
    const args = new Map([...argText.matchAll(ARGUMENT)].map(([, key = '', value = '']) => [key, value]));
    const markup = fs.readFileSync(fileURLToPath(new URL(name, import.meta.url)), 'utf8').trimEnd();
    return fill(name, markup, args)
      .map((line) => (line.trim() === '' ? '' : indent + line))
      .join('\n');
  });
}
