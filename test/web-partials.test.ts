import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { includePartials } from '../web/partials/include.js';

const FIELDS = '      <!-- partial: phone-code-fields.html sms-part="hidden" required="" -->';

/** The opening tag of the element with `id`, on one line. */
function tagOf(html: string, id: string): string {
  const start = html.lastIndexOf('<', html.indexOf(`id="${id}"`));
  return html.slice(start, html.indexOf('>', start) + 1).replace(/\s+/g, ' ');
}

describe('web/partials: the markup pages share, put in by the build', () => {
  it('puts the partial in, indented as the comment, its arguments in place of its {{keys}}', () => {
    const html = includePartials(`<form>\n${FIELDS}\n</form>`);
    assert.doesNotMatch(html, /partial:|\{\{/);
    assert.equal(tagOf(html, 'sms-part'), '<div id="sms-part" hidden>');
    assert.match(html, /\n {6}<div id="phone-field" class="field">\n {8}<label for="phone"/);
  });

  it('an empty argument leaves its attribute out, without a blank line inside the tag', () => {
    const optional = includePartials(FIELDS);
    assert.doesNotMatch(tagOf(optional, 'captcha'), /\srequired\b/);
    assert.doesNotMatch(optional, /\n\s*\n\s+aria-describedby/);
    const required = includePartials(
      FIELDS.replace('sms-part="hidden" required=""', 'sms-part="" required="required"'),
    );
    assert.match(tagOf(required, 'captcha'), /\srequired\s/);
    assert.match(tagOf(required, 'phone_code'), /\srequired\s/);
    assert.equal(tagOf(required, 'sms-part'), '<div id="sms-part">');
  });

  it('a missing argument, one the partial does not take, or a missing partial is an error, not a hole', () => {
    assert.throws(
      () => includePartials('<!-- partial: phone-code-fields.html required="" -->'),
      /needs sms-part=/,
    );
    assert.throws(
      () => includePartials('<!-- partial: site-header.html colour="red" -->'),
      /site-header\.html takes no colour/,
    );
    assert.throws(() => includePartials('<!-- partial: no-such-partial.html -->'), /ENOENT/);
  });
});
