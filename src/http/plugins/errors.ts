import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { RET } from '../../ret.js';
import { StorageError } from '../../store/key-value-store.js';
import { retMessageKey, type Message } from '../../messages.js';
import { sendRet } from '../reply.js';

interface ValidationIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
}

/** Ajv's first complaint as a sentence a person can act on. */
function describeValidation(issues: ValidationIssue[]): Message {
  const issue = issues[0];
  if (issue === undefined) return { key: retMessageKey(RET.PARAMERR) };
  const field =
    issue.keyword === 'required'
      ? String(issue.params.missingProperty)
      : issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
  if (field === '') return { key: 'bodyNotObject' };
  switch (issue.keyword) {
    case 'required':
      return { key: 'fieldMissing', params: { field } };
    case 'type':
      return { key: 'fieldNotString', params: { field } };
    case 'minLength':
      return { key: 'fieldEmpty', params: { field } };
    case 'maxLength':
      return { key: 'fieldTooLong', params: { field, limit: String(issue.params.limit) } };
    case 'pattern':
      return { key: 'fieldMalformed', params: { field } };
    case 'enum':
      return {
        key: 'fieldNotAllowed',
        params: { field, allowed: (issue.params.allowedValues as unknown[]).join(' / ') },
      };
    default:
      return { key: 'fieldInvalid', params: { field } };
  }
}

/**
 * One place turns everything that is not a business outcome into the contract's JSON:
 * validation → 200 PARAMERR, bad JSON → 400, wrong type → 415, too large → 413,
 * unknown route → 404, wrong method → 405, storage down → DBERR, anything else → 500.
 */
async function errorReplies(app: FastifyInstance): Promise<void> {
  const methodsByPath = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    const methods = methodsByPath.get(route.url) ?? new Set<string>();
    for (const method of [route.method].flat()) methods.add(method);
    methodsByPath.set(route.url, methods);
  });

  app.setErrorHandler((error: FastifyError & { validation?: ValidationIssue[] }, request, reply) => {
    if (error.validation) {
      return sendRet(reply, RET.PARAMERR, describeValidation(error.validation));
    }
    if (error instanceof StorageError) {
      request.log.error(
        { err: { name: error.name, message: error.message, cause: causeOf(error) } },
        'storage failed',
      );
      return sendRet(reply, RET.DBERR);
    }
    const status = error.statusCode ?? 500;
    if (status === 413) return sendRet(reply, RET.REQERR, 'bodyTooLarge', 413);
    if (status === 415) return sendRet(reply, RET.PARAMERR, 'contentTypeNotJson', 415);
    if (status === 400) return sendRet(reply, RET.PARAMERR, 'bodyNotJson', 400);
    if (status >= 400 && status < 500) return sendRet(reply, RET.REQERR, undefined, status);
    request.log.error({ err: error }, 'unexpected failure');
    return sendRet(reply, RET.SERVERERR, undefined, 500);
  });

  app.setNotFoundHandler((request, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = methodsByPath.get(path) ?? methodsOfPattern(methodsByPath, path);
    if (allowed !== undefined && allowed.size > 0) {
      reply.header('allow', [...allowed].join(', '));
      return sendRet(reply, RET.REQERR, 'methodNotAllowed', 405);
    }
    return sendRet(reply, RET.REQERR, 'routeNotFound', 404);
  });
}

/** The methods of a route with parameters (`/sessions/:id`) whose pattern the path fits. */
function methodsOfPattern(methodsByPath: Map<string, Set<string>>, path: string): Set<string> | undefined {
  for (const [url, methods] of methodsByPath) {
    if (!url.includes(':')) continue;
    const pattern = url
      .split('/')
      .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    if (new RegExp(`^${pattern.join('/')}$`).test(path)) return methods;
  }
  return undefined;
}

function causeOf(error: Error): string | undefined {
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  if (cause === undefined) return undefined;
  // The driver's code names the failure without echoing SQL or values into the log.
  return typeof cause.code === 'string'
    ? cause.code
    : typeof cause.message === 'string'
      ? cause.message.slice(0, 200)
      : undefined;
}

export default fp(errorReplies, { name: 'error-replies' });
