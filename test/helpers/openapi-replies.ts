import { Ajv, type ValidateFunction } from 'ajv';

/** What the validator needs to know of a reply, however it was made (inject, socket, a hook). */
export interface SeenReply {
  method: string;
  /** The path, with or without a query string. */
  url: string;
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  /** The body as sent: JSON text, an image's bytes, or undefined when there is none. */
  body: string | Buffer | undefined;
}

type Json = Record<string, unknown>;
interface Header {
  required?: boolean;
  schema: Json;
}
interface Response {
  headers?: Record<string, Header | { $ref: string }>;
  content?: Record<string, { schema: Json }>;
}

/** What a request that reaches no operation may be answered, by status (components.responses). */
const NO_OPERATION: Record<number, string> = {
  400: 'BadJson',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  413: 'BodyTooLarge',
  415: 'NotJson',
  500: 'ServerError',
};

/** The headers whose presence must be declared: a reply that sends one undocumented is wrong. */
const DECLARED_ONLY = ['x-request-id', 'retry-after', 'set-cookie', 'allow', 'x-captcha-text'];

/**
 * Checks replies against the OpenAPI document: the status is one the operation declares
 * (404/405 for paths and methods the document has not), every required header is there and
 * every header sent is declared and fits, and the body fits the declared media type's schema.
 * Returns what is wrong, or an empty list.
 */
export class OpenApiReplies {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, formats: { binary: true } });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly templates: { pattern: RegExp; path: string }[];

  constructor(private readonly document: Json) {
    this.ajv.addSchema(document, 'openapi', undefined, false);
    this.templates = Object.keys(document.paths as Json).map((path) => ({
      path,
      pattern: new RegExp(`^${path.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
    }));
  }

  /** Whether the document speaks of this path at all (the API prefix, or one of its paths). */
  covers(url: string): boolean {
    const path = url.split('?')[0] ?? '';
    return path.startsWith('/api/') || this.templates.some((t) => t.pattern.test(path));
  }

  check(reply: SeenReply): string[] {
    const path = reply.url.split('?')[0] ?? '';
    const where = `${reply.method} ${path} → ${reply.statusCode}`;
    const template = this.templates.find((t) => t.pattern.test(path));
    const components = this.document.components as Record<string, Record<string, unknown>>;
    let response: Response | undefined;
    const operations =
      template === undefined
        ? {}
        : ((this.document.paths as Record<string, Record<string, Json>>)[template.path] ?? {});
    const method = reply.method === 'HEAD' ? 'get' : reply.method.toLowerCase();
    const operation = operations[method] as
      { responses: Record<string, Response | { $ref: string }> } | undefined;
    if (operation === undefined) {
      // No operation: 404 (no such path) or 405 (not this method). The body is read and the
      // Origin checked before that, so a body's refusals, or a cross-site refusal, may come first.
      const missing = template === undefined ? 404 : 405;
      if (reply.statusCode === 200) {
        const validate = this.compile({ $ref: '#/components/schemas/Refusal' });
        const body = JSON.parse(String(reply.body)) as { reason?: string };
        if (!validate(body) || body.reason !== 'crossSiteRefused')
          return [`${where}: no operation here, and not a cross-site refusal`];
        return [];
      }
      const name = NO_OPERATION[reply.statusCode];
      if (
        name === undefined ||
        ((reply.statusCode === 404 || reply.statusCode === 405) && reply.statusCode !== missing)
      )
        return [`${where}: no operation here, answered other than ${missing}`];
      response = components.responses?.[name] as Response;
    } else {
      const declared = operation.responses[String(reply.statusCode)];
      if (declared === undefined) return [`${where}: status not in the document`];
      response = this.resolve<Response>(declared);
    }
    if (response === undefined) return [`${where}: no response in the document`];
    return [...this.checkHeaders(where, reply, response), ...this.checkBody(where, reply, response)].map(
      (problem) => `${problem}\n    body: ${String(reply.body).slice(0, 300)}`,
    );
  }

  private checkHeaders(where: string, reply: SeenReply, response: Response): string[] {
    const problems: string[] = [];
    const declared = new Map<string, Header>();
    for (const [name, header] of Object.entries(response.headers ?? {})) {
      declared.set(name.toLowerCase(), this.resolve<Header>(header));
    }
    for (const [name, header] of declared) {
      const sent = reply.headers[name];
      if (sent === undefined) {
        if (header.required === true) problems.push(`${where}: header ${name} missing`);
        continue;
      }
      for (const value of [sent].flat()) {
        const validate = this.compile(header.schema);
        if (!validate(String(value)))
          problems.push(
            `${where}: header ${name}: ${JSON.stringify(value)} ${this.ajv.errorsText(validate.errors)}`,
          );
      }
    }
    for (const name of DECLARED_ONLY) {
      if (reply.headers[name] !== undefined && !declared.has(name))
        problems.push(`${where}: header ${name} sent but not in the document`);
    }
    return problems;
  }

  private checkBody(where: string, reply: SeenReply, response: Response): string[] {
    const empty = reply.body === undefined || reply.body.length === 0;
    const content = response.content ?? {};
    if (Object.keys(content).length === 0)
      return empty || reply.method === 'HEAD' ? [] : [`${where}: a body where the document declares none`];
    if (reply.method === 'HEAD') return [];
    const type =
      String(reply.headers['content-type'] ?? '')
        .split(';')[0]
        ?.trim() ?? '';
    const media = content[type];
    if (media === undefined)
      return [`${where}: content type "${type}" not in the document (${Object.keys(content).join(', ')})`];
    if (type !== 'application/json') return empty ? [`${where}: an empty ${type} body`] : [];
    let body: unknown;
    try {
      body = JSON.parse(String(reply.body));
    } catch {
      return [`${where}: the body is not JSON`];
    }
    const validate = this.compile(media.schema);
    return validate(body) ? [] : [`${where}: body ${this.ajv.errorsText(validate.errors)}`];
  }

  private resolve<T>(value: T | { $ref: string }): T {
    const pointer = (value as { $ref?: string }).$ref;
    if (pointer === undefined) return value as T;
    let target: unknown = this.document;
    for (const part of pointer.replace(/^#\//, '').split('/')) {
      target = (target as Json)[part.replaceAll('~1', '/').replaceAll('~0', '~')];
    }
    return target as T;
  }

  private compile(schema: Json): ValidateFunction {
    const text = JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/');
    let validate = this.compiled.get(text);
    if (validate === undefined) {
      validate = this.ajv.compile(JSON.parse(text) as Json);
      this.compiled.set(text, validate);
    }
    return validate;
  }
}
