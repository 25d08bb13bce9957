import fs from 'node:fs';
import path from 'node:path';
import { Marked, type Tokens } from 'marked';
import type { Agreement } from '../db/user-store.js';
import type { Language } from '../messages.js';

/** The two documents a person agrees to (issue 15). */
export type LegalDocumentName = 'terms' | 'privacy';
export const LEGAL_DOCUMENT_NAMES: readonly LegalDocumentName[] = ['terms', 'privacy'];

/** One document in one language, ready to show. */
export interface LegalDocument {
  name: LegalDocumentName;
  version: string;
  title: string;
  language: Language;
  /** The Markdown rendered to HTML; HTML written in the Markdown is escaped, not passed through. */
  html: string;
}

/** A version is what `agree` names, comma-separated: no comma, nothing a log line could trip on. */
const VERSION = /^[A-Za-z0-9._-]{1,32}$/;
const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/;
const MAX_FILE_BYTES = 512 * 1024;

export class LegalDocumentError extends Error {
  override name = 'LegalDocumentError';
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Markdown as the operator writes it, with two guards that cost them nothing a legal text
 * needs: raw HTML is shown as text (a pasted `<script>` does nothing), and a link or image
 * goes only to http(s), mailto, tel or this site.
 */
const markdown = new Marked({
  gfm: true,
  renderer: {
    html: ({ text }: Tokens.HTML | Tokens.Tag) => escapeHtml(text),
  },
  walkTokens: (token) => {
    if (
      (token.type === 'link' || token.type === 'image') &&
      !/^(https?:|mailto:|tel:|\/(?!\/)|#)/i.test(token.href)
    )
      token.href = '#';
  },
});

function parse(file: string, name: LegalDocumentName, language: Language): LegalDocument {
  const raw = fs.readFileSync(file, 'utf8');
  if (Buffer.byteLength(raw) > MAX_FILE_BYTES) throw new LegalDocumentError(`${file} is larger than 512 KiB`);
  const front = FRONT_MATTER.exec(raw.replace(/^\uFEFF/, ''));
  if (front === null) throw new LegalDocumentError(`${file} has no front matter (--- version: … ---)`);
  const fields = new Map<string, string>();
  for (const line of (front[1] ?? '').split(/\r?\n/)) {
    const match = /^\s*([a-z_]+)\s*:\s*(.*?)\s*$/.exec(line);
    if (match?.[1] !== undefined) fields.set(match[1], (match[2] ?? '').replace(/^(['"])(.*)\1$/, '$2'));
  }
  const version = fields.get('version') ?? '';
  if (!VERSION.test(version))
    throw new LegalDocumentError(
      `${file}: version must be 1–32 letters, digits, dots, dashes or underscores`,
    );
  const body = raw.replace(/^\uFEFF/, '').slice(front[0].length);
  return {
    name,
    version,
    title: fields.get('title') || name,
    language,
    html: markdown.parse(body, { async: false }),
  };
}

/**
 * The user agreement and the privacy policy, read once at start-up from `dir`:
 * `terms.zh.md`, `privacy.zh.md` (required) and their `.en.md` translations (optional;
 * Chinese is shown where one is missing). Each begins with front matter naming its
 * `version` (and `title`); a translation must carry the same version as the Chinese text,
 * since what a person agrees to is the version, whatever language they read it in.
 */
export class LegalDocuments {
  private constructor(private readonly documents: ReadonlyMap<string, LegalDocument>) {}

  static load(dir: string): LegalDocuments {
    const documents = new Map<string, LegalDocument>();
    for (const name of LEGAL_DOCUMENT_NAMES) {
      const zhFile = path.join(dir, `${name}.zh.md`);
      if (!fs.existsSync(zhFile)) throw new LegalDocumentError(`${zhFile} is missing (LEGAL_DIR)`);
      const zh = parse(zhFile, name, 'zh');
      documents.set(`${name}.zh`, zh);
      const enFile = path.join(dir, `${name}.en.md`);
      const en = fs.existsSync(enFile) ? parse(enFile, name, 'en') : zh;
      if (en.version !== zh.version)
        throw new LegalDocumentError(
          `${enFile} has version ${en.version} but ${zhFile} has ${zh.version}: a translation carries its original's version`,
        );
      documents.set(`${name}.en`, en);
    }
    return new LegalDocuments(documents);
  }

  /** The document in `language` (Chinese when it has no translation). */
  document(name: LegalDocumentName, language: Language): LegalDocument {
    const found = this.documents.get(`${name}.${language}`) ?? this.documents.get(`${name}.zh`);
    if (found === undefined) throw new Error(`legal document ${name} not loaded`);
    return found;
  }

  /** The versions in force: what a person agrees to now. */
  current(): Agreement {
    return { terms: this.document('terms', 'zh').version, privacy: this.document('privacy', 'zh').version };
  }
}
