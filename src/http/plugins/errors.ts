import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { RET } from '../../ret.js';
import { StorageError } from '../../store/key-value-store.js';
import { retBody } from '../reply.js';

interface ValidationIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
}

/** Ajv's first complaint as a sentence a person can act on. */
function describeValidation(issues: ValidationIssue[]): string {
  const issue = issues[0];
  if (issue === undefined) return '参数错误';
  const field =
    issue.keyword === 'required'
      ? String(issue.params.missingProperty)
      : issue.instancePath.replace(/^\//, '').replaceAll('/', '.') || '请求体';
  switch (issue.keyword) {
    case 'required':
      return `缺少参数 ${field}`;
    case 'type':
      return `参数 ${field} 必须是${issue.params.type === 'object' ? ' JSON 对象' : '字符串'}`;
    case 'minLength':
      return `参数 ${field} 不能为空`;
    case 'maxLength':
      return `参数 ${field} 过长（最多 ${String(issue.params.limit)} 个字符）`;
    case 'pattern':
      return `参数 ${field} 格式错误`;
    case 'enum':
      return `参数 ${field} 只能是 ${(issue.params.allowedValues as unknown[]).join(' / ')}`;
    default:
      return `参数 ${field} 错误`;
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
      return reply.code(200).send(retBody(RET.PARAMERR, describeValidation(error.validation)));
    }
    if (error instanceof StorageError) {
      request.log.error(
        { err: { name: error.name, message: error.message, cause: causeOf(error) } },
        'storage failed',
      );
      return reply.code(200).send(retBody(RET.DBERR));
    }
    const status = error.statusCode ?? 500;
    if (status === 413) return reply.code(413).send(retBody(RET.REQERR, '请求体过大'));
    if (status === 415)
      return reply
        .code(415)
        .send(retBody(RET.PARAMERR, '请求体必须是 JSON（Content-Type: application/json）'));
    if (status === 400) return reply.code(400).send(retBody(RET.PARAMERR, '请求体不是合法的 JSON'));
    if (status >= 400 && status < 500) return reply.code(status).send(retBody(RET.REQERR));
    request.log.error({ err: error }, 'unexpected failure');
    return reply.code(500).send(retBody(RET.SERVERERR));
  });

  app.setNotFoundHandler((request, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = methodsByPath.get(path);
    if (allowed !== undefined && allowed.size > 0) {
      return reply
        .code(405)
        .header('allow', [...allowed].join(', '))
        .send(retBody(RET.REQERR, '请求方法不被允许'));
    }
    return reply.code(404).send(retBody(RET.REQERR, '接口不存在'));
  });
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
