import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isServiceUnavailable, replyServiceUnavailable } from '../plugins/errors.ts';
import type { AppDeps } from '../app.ts';
import { AppError } from '../../services/errors.ts';
import { callSchema, upsertCalls, type HistoricCall } from '../../services/imports/history-imports.ts';

/**
 * The telephony feed: the telephony system posts the calls presented to the intake team, as a
 * JSON object or an array of them, with an API key (`Authorization: Bearer <key>`, one of
 * API_KEYS). Calls are upserted by call_id, so resending a batch is safe and a corrected call
 * replaces the earlier version. A batch is all or nothing: one bad call rejects the whole batch,
 * with every bad call's index and reason, for the caller to correct and resend.
 *
 * No session and no CSRF token: the key is the only credential, and is compared in constant time.
 */
export const CALLS_PATH = '/api/v1/calls';
export const OPENAPI_PATH = '/api/v1/openapi.json';
export const MAX_CALLS_PER_REQUEST = 10_000;
/** Comfortably above 10,000 calls of ~120 bytes each; anything larger is refused unread. */
const BODY_LIMIT = 8 * 1_048_576;

interface RowProblem {
  index: number;
  reason: string;
}

export function callsApiRoutes(deps: AppDeps) {
  const keyDigests = (deps.config.apiKeys ?? []).filter(Boolean).map(digest);

  function keyIsValid(presented: string): boolean {
    const presentedDigest = digest(presented);
    let valid = false;
    // Every key is compared, so the time taken says nothing about which (if any) matched.
    for (const key of keyDigests) valid = timingSafeEqual(presentedDigest, key) || valid;
    return valid;
  }

  async function authenticate(request: FastifyRequest, reply: FastifyReply) {
    const header = request.headers.authorization;
    const key = typeof header === 'string' ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header)?.[1] : undefined;
    if (key === undefined) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="redress"')
        .send({ error: 'unauthenticated', message: 'Send an API key in the Authorization header: "Authorization: Bearer <key>"' });
    }
    if (!keyIsValid(key)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="redress", error="invalid_token"')
        .send({ error: 'unauthenticated', message: 'The API key is not valid' });
    }
  }

  return async (app: FastifyInstance) => {
    // Within this plugin, errors are always JSON in the API's own words.
    app.setErrorHandler(async (error: Error & { statusCode?: number; code?: string }, request, reply) => {
      if (error instanceof AppError) return reply.code(error.code === 'not-found' ? 404 : 400).send({ error: error.code, message: error.message });
      if (isServiceUnavailable(error)) return replyServiceUnavailable(request, reply);
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : undefined;
      if (!status) {
        request.log.error({ err: error }, 'unhandled error in the calls API');
        return reply.code(500).send({ error: 'internal', message: 'Sorry, there is a problem with the service: try again later' });
      }
      return reply.code(status).send(clientError(error, status));
    });

    app.get(OPENAPI_PATH, async (_request, reply) => reply.header('cache-control', 'no-cache').send(openApiDocument()));

    app.post(CALLS_PATH, { bodyLimit: BODY_LIMIT, onRequest: authenticate }, async (request, reply) => {
      const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      if (type !== 'application/json') {
        return reply.code(415).send({ error: 'unsupported-media-type', message: 'Send the calls as JSON, with "Content-Type: application/json"' });
      }
      const body: unknown = request.body;
      const items = Array.isArray(body) ? body : [body];
      if (!Array.isArray(body) && (body === null || typeof body !== 'object')) {
        return reply.code(400).send({
          error: 'invalid',
          message: 'Send a JSON object with call_id, presented_at and answered_at, or an array of such objects',
          rows: [],
        });
      }
      if (items.length === 0) {
        return reply.code(400).send({ error: 'invalid', message: 'The array is empty: send at least one call', rows: [] });
      }
      if (items.length > MAX_CALLS_PER_REQUEST) {
        return reply.code(413).send({
          error: 'too-many-rows',
          message: `Send at most ${MAX_CALLS_PER_REQUEST.toLocaleString('en-GB')} calls a request: this one has ${items.length.toLocaleString('en-GB')}. Split it into smaller batches; nothing was saved.`,
        });
      }

      const calls: HistoricCall[] = [];
      const problems: RowProblem[] = [];
      const firstIndexOf = new Map<string, number>();
      items.forEach((item, index) => {
        const parsed = callSchema.safeParse(item);
        if (!parsed.success) {
          problems.push({ index, reason: [...new Set(parsed.error.issues.map((issue) => issue.message))].join('; ') });
          return;
        }
        const seen = firstIndexOf.get(parsed.data.callId);
        if (seen !== undefined) {
          problems.push({ index, reason: `call_id ${JSON.stringify(parsed.data.callId)} repeats the call at index ${seen}` });
          return;
        }
        firstIndexOf.set(parsed.data.callId, index);
        calls.push(parsed.data);
      });
      if (problems.length > 0) {
        const some = problems.length === 1 ? '1 call is' : `${problems.length} calls are`;
        return reply.code(400).send({
          error: 'invalid',
          message: `${some} not valid (of ${items.length} sent), so none were saved: correct ${problems.length === 1 ? 'it' : 'them'} and send the whole batch again`,
          rows: problems,
        });
      }

      const counts = await deps.services.db.transaction().execute((trx) => upsertCalls(trx, calls));
      return reply.code(201).send({
        received: items.length,
        imported: counts.inserted,
        updated: counts.updated,
        unchanged: items.length - counts.inserted - counts.updated,
      });
    });
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

const INVALID_JSON = 'The body is not valid JSON (or it has a __proto__ or constructor key): send a JSON object or an array of calls';

function clientError(error: Error & { code?: string }, status: number): { error: string; message: string } {
  switch (error.code) {
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { error: 'invalid-json', message: 'The body is empty: send a JSON object or an array of calls' };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { error: 'invalid-json', message: INVALID_JSON };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { error: 'too-large', message: `The body is larger than ${BODY_LIMIT / 1_048_576} MB: send at most ${MAX_CALLS_PER_REQUEST.toLocaleString('en-GB')} calls a request` };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { error: 'unsupported-media-type', message: 'Send the calls as JSON, with "Content-Type: application/json"' };
    default:
      // The JSON parser's own errors (bad syntax, a forbidden __proto__ key) are SyntaxErrors with status 400.
      if (status === 400 && (error instanceof SyntaxError || /JSON|prototype/i.test(error.message))) {
        return { error: 'invalid-json', message: INVALID_JSON };
      }
      return { error: 'bad-request', message: error.message || 'The request could not be understood' };
  }
}

/** A small, hand-written OpenAPI 3.1 description of the telephony feed. */
export function openApiDocument() {
  const problem = (example: Record<string, unknown>) => ({
    type: 'object',
    required: ['error', 'message'],
    properties: { error: { type: 'string' }, message: { type: 'string' } },
    examples: [example],
  });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Redress telephony feed',
      version: '1.0.0',
      description:
        'Posts the calls presented to the intake team, for the service standards on answering calls. ' +
        'Calls are upserted by call_id: resending a call is safe, and a changed call replaces the earlier version. ' +
        'A batch is all or nothing: if any call is not valid none is saved, and the response lists every bad call by its index.',
    },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'One of the keys in the API_KEYS setting: "Authorization: Bearer <key>"' },
      },
      schemas: {
        Call: {
          type: 'object',
          additionalProperties: false,
          required: ['call_id', 'presented_at'],
          properties: {
            call_id: { type: 'string', minLength: 1, maxLength: 100, description: 'The telephony system’s own id for the call', examples: ['C-2017-000123'] },
            presented_at: {
              type: 'string', format: 'date-time',
              description: 'When the call reached the intake team: ISO 8601 with a UTC offset (Z or +01:00), 1995 to 2045',
              examples: ['2017-05-02T09:15:00+01:00'],
            },
            answered_at: {
              type: ['string', 'null'], format: 'date-time',
              description: 'When it was answered, not before presented_at; null, empty or absent if it never was',
              examples: ['2017-05-02T09:15:12+01:00'],
            },
          },
        },
        Saved: {
          type: 'object',
          required: ['received', 'imported', 'updated', 'unchanged'],
          properties: {
            received: { type: 'integer', description: 'Calls in the request' },
            imported: { type: 'integer', description: 'New calls stored' },
            updated: { type: 'integer', description: 'Calls already stored whose times this request changed' },
            unchanged: { type: 'integer', description: 'Calls already stored exactly so' },
          },
        },
        Rejected: {
          type: 'object',
          required: ['error', 'message', 'rows'],
          properties: {
            error: { type: 'string', enum: ['invalid'] },
            message: { type: 'string' },
            rows: {
              type: 'array',
              items: {
                type: 'object',
                required: ['index', 'reason'],
                properties: { index: { type: 'integer', description: 'Position in the array sent, from 0 (0 for a single object)' }, reason: { type: 'string' } },
              },
            },
          },
        },
      },
    },
    paths: {
      [CALLS_PATH]: {
        post: {
          operationId: 'postCalls',
          summary: 'Record calls presented to the intake team',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  oneOf: [
                    { $ref: '#/components/schemas/Call' },
                    { type: 'array', minItems: 1, maxItems: MAX_CALLS_PER_REQUEST, items: { $ref: '#/components/schemas/Call' } },
                  ],
                },
              },
            },
          },
          responses: {
            '201': { description: 'Every call was saved', content: { 'application/json': { schema: { $ref: '#/components/schemas/Saved' } } } },
            '400': {
              description: 'Not valid JSON, or at least one call is not valid: nothing was saved; correct the calls listed and send the whole batch again',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Rejected' } } },
            },
            '401': {
              description: 'No API key, or not a valid one',
              content: { 'application/json': { schema: problem({ error: 'unauthenticated', message: 'The API key is not valid' }) } },
            },
            '413': {
              description: `More than ${MAX_CALLS_PER_REQUEST} calls, or a body over ${BODY_LIMIT / 1_048_576} MB: nothing was saved`,
              content: { 'application/json': { schema: problem({ error: 'too-many-rows', message: 'Send at most 10,000 calls a request' }) } },
            },
            '415': {
              description: 'Not sent as application/json',
              content: { 'application/json': { schema: problem({ error: 'unsupported-media-type', message: 'Send the calls as JSON' }) } },
            },
          },
        },
      },
    },
  };
}
