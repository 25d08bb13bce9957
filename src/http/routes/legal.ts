import type { FastifyInstance } from 'fastify';
import { preferredLanguage } from '../../messages.js';
import { LEGAL_DOCUMENT_NAMES, type LegalDocumentName } from '../../services/legal-documents.js';
import { sendOk } from '../reply.js';
import { named, retReply } from '../schemas.js';
import type { RouteOptions } from './options.js';

/** Where the filings are looked up: the MIIT's ICP register and the public-security register. */
const ICP_SITE = 'https://beian.miit.gov.cn/';
const psbSite = (filing: string): string => {
  const digits = /\d{8,}/.exec(filing)?.[0];
  return digits === undefined
    ? 'https://beian.mps.gov.cn/'
    : `https://beian.mps.gov.cn/#/query/webSearch?code=${digits}`;
};

const documentSummary = {
  type: 'object',
  required: ['version', 'title', 'url'],
  properties: {
    version: { type: 'string' },
    title: { type: 'string', description: 'In the language Accept-Language prefers' },
    url: { type: 'string', description: 'The page showing it' },
  },
} as const;

const filing = {
  type: 'object',
  required: ['number', 'url'],
  properties: { number: { type: 'string' }, url: { type: 'string' } },
} as const;

/** GET /legal, GET /legal/{document}: the user agreement and the privacy policy (issue 15). */
export default async function legalRoutes(app: FastifyInstance, { services, filings }: RouteOptions) {
  const legalReply = named(app, 'LegalReply', {
    ...retReply,
    properties: {
      ...retReply.properties,
      terms: documentSummary,
      privacy: documentSummary,
      agree: {
        type: 'string',
        description:
          'What to send as `agree` when registering or re-consenting: "<terms version>,<privacy version>"',
      },
      agree_required: {
        type: 'boolean',
        description: 'CONSENT_REQUIRED: registration without agree is refused',
      },
      filings: {
        type: 'object',
        required: ['icp', 'psb'],
        description: 'The filing numbers every page shows in its footer; null when not set',
        properties: {
          icp: { anyOf: [filing, { type: 'null' }] },
          psb: { anyOf: [filing, { type: 'null' }] },
        },
      },
    },
  });

  app.get(
    '/legal',
    {
      schema: {
        summary: 'The versions of the user agreement and the privacy policy in force, and the filing numbers',
        operationId: 'legalDocuments',
        response: { 200: legalReply },
      },
    },
    async (request, reply) => {
      const language = preferredLanguage(request.headers['accept-language']);
      const summary = (name: LegalDocumentName) => {
        const document = services.legal.document(name, language);
        return { version: document.version, title: document.title, url: `/${name}` };
      };
      const current = services.legal.current();
      return sendOk(reply, 'found', {
        terms: summary('terms'),
        privacy: summary('privacy'),
        agree: `${current.terms},${current.privacy}`,
        agree_required: services.consents.requiredAtRegistration,
        filings: {
          icp: filings.icp === undefined ? null : { number: filings.icp, url: ICP_SITE },
          psb: filings.psb === undefined ? null : { number: filings.psb, url: psbSite(filings.psb) },
        },
      });
    },
  );

  const documentReply = named(app, 'LegalDocumentReply', {
    ...retReply,
    properties: {
      ...retReply.properties,
      document: {
        type: 'object',
        required: ['name', 'version', 'title', 'language', 'html'],
        properties: {
          name: { type: 'string', enum: LEGAL_DOCUMENT_NAMES },
          version: { type: 'string' },
          title: { type: 'string' },
          language: { type: 'string', enum: ['zh', 'en'] },
          html: {
            type: 'string',
            description: "The operator's Markdown as HTML; HTML written in the Markdown is escaped",
          },
        },
      },
    },
  });

  app.get<{ Params: { document: LegalDocumentName } }>(
    '/legal/:document',
    {
      schema: {
        summary: 'One document, in the language Accept-Language prefers (Chinese when it has no translation)',
        operationId: 'legalDocument',
        params: {
          type: 'object',
          required: ['document'],
          properties: { document: { type: 'string', enum: LEGAL_DOCUMENT_NAMES } },
        },
        response: { 200: documentReply },
      },
    },
    async (request, reply) => {
      const language = preferredLanguage(request.headers['accept-language']);
      return sendOk(reply, 'found', { document: services.legal.document(request.params.document, language) });
    },
  );
}
