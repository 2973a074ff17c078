import { z } from 'zod';
import { AUDIENCE_PLATFORMS, DEFAULT_AUDIENCE_PLATFORM } from '../../../shared/pii.js';
import { RuleSchema, UtmSchema } from '../rule-schema.js';
import {
  LinkSchema,
  PreviewSchema,
  SegmentCreateSchema,
  SegmentPatchSchema,
} from './segment-schemas.js';

const ERROR = { $ref: '#/components/responses/Error' };
const json = (ref: string) => ({
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } },
});
const ok = (description: string) => ({
  description,
  content: { 'application/json': { schema: { type: 'object' } } },
});
const key = { name: 'key', in: 'path', required: true, schema: { type: 'string' } };
const sourceId = {
  name: 'sourceId',
  in: 'query',
  required: false,
  schema: { type: 'string' },
  description: 'Required when several sources have this segment key',
};

function componentSchemas() {
  const registry = z.registry<{ id: string }>();
  registry.add(RuleSchema, { id: 'Rule' });
  registry.add(UtmSchema, { id: 'UtmTemplate' });
  registry.add(SegmentCreateSchema, { id: 'SegmentCreate' });
  registry.add(SegmentPatchSchema, { id: 'SegmentPatch' });
  registry.add(PreviewSchema, { id: 'Preview' });
  registry.add(LinkSchema, { id: 'Link' });
  const { schemas } = z.toJSONSchema(registry, {
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: 'any',
    io: 'input',
  });
  for (const s of Object.values(schemas)) delete (s as { $schema?: string }).$schema;
  return schemas;
}

/** The OpenAPI 3.1 description of the marketer API, schemas generated from the zod ones. */
export function openApiDocument() {
  return {
    openapi: '3.1.0',
    info: { title: 'Segmently marketer API', version: '1' },
    servers: [{ url: '/' }],
    security: [{ admin: [] }],
    components: {
      securitySchemes: {
        admin: { type: 'http', scheme: 'bearer' },
        writeKey: { type: 'apiKey', in: 'query', name: 'writeKey' },
      },
      responses: {
        Error: {
          description: 'Error',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  error: {
                    type: 'object',
                    properties: {
                      code: { type: 'string' },
                      message: { type: 'string' },
                      details: {},
                    },
                    required: ['code', 'message'],
                  },
                },
              },
            },
          },
        },
      },
      schemas: componentSchemas(),
    },
    paths: {
      '/api/v1/segments': {
        get: {
          summary: 'List segments with sizes',
          parameters: [sourceId],
          responses: { 200: ok('Segments'), 401: ERROR },
        },
        post: {
          summary: 'Create a segment (recomputed in the background)',
          requestBody: { required: true, ...json('SegmentCreate') },
          responses: { 201: ok('Created'), 400: ERROR, 409: ERROR },
        },
      },
      '/api/v1/segments/preview': {
        post: {
          summary: 'Count and sample for an unsaved rule',
          requestBody: { required: true, ...json('Preview') },
          responses: { 200: ok('{count, total, sample}'), 400: ERROR },
        },
      },
      '/api/v1/segments/overlap': {
        get: {
          summary: "Sizes of A, B and A∩B (B of A's source)",
          parameters: [
            { name: 'a', in: 'query', required: true, schema: { type: 'string' } },
            { name: 'b', in: 'query', required: true, schema: { type: 'string' } },
            sourceId,
          ],
          responses: { 200: ok('{a:{key,size}, b:{key,size}, both}'), 404: ERROR },
        },
      },
      '/api/v1/segments/{key}': {
        get: {
          summary: 'Segment with size, daily entries/exits, last computed, errors',
          parameters: [key, sourceId],
          responses: { 200: ok('Segment'), 404: ERROR },
        },
        patch: {
          summary: 'Edit a segment',
          parameters: [key, sourceId],
          requestBody: { required: true, ...json('SegmentPatch') },
          responses: { 200: ok('Segment'), 400: ERROR, 404: ERROR },
        },
        delete: {
          summary: 'Delete a segment and its memberships',
          parameters: [key, sourceId],
          responses: { 204: { description: 'Deleted' }, 404: ERROR, 409: ERROR },
        },
      },
      '/api/v1/segments/{key}/members': {
        get: {
          summary: 'Current members, paginated by cursor',
          parameters: [
            key,
            sourceId,
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
            { name: 'cursor', in: 'query', schema: { type: 'integer' } },
          ],
          responses: {
            200: ok('{members:[{profileId,userId?,anonymousId?,enteredAt}], nextCursor}'),
          },
        },
      },
      '/api/v1/segments/{key}/export': {
        get: {
          summary: 'Export members as CSV, NDJSON or a hashed custom-audience file',
          parameters: [
            key,
            sourceId,
            {
              name: 'format',
              in: 'query',
              description:
                'audience: only members whose latest known consent grants marketing (or, when the source does not require consent, who have none known)',
              schema: { type: 'string', enum: ['csv', 'ndjson', 'audience'] },
            },
            {
              name: 'platform',
              in: 'query',
              description:
                'audience: normalise for Meta (default) or TikTok, under the header row its upload expects (email,phone / Email_SHA256,Phone_SHA256); SDK-hashed traits pass through as hashed',
              schema: {
                type: 'string',
                enum: [...AUDIENCE_PLATFORMS],
                default: DEFAULT_AUDIENCE_PLATFORM,
              },
            },
            {
              name: 'countryCode',
              in: 'query',
              description: 'audience: country calling code for phones stored without one, e.g. 49',
              schema: { type: 'string' },
            },
          ],
          responses: {
            200: {
              description: 'The file',
              content: { 'text/csv': {}, 'application/x-ndjson': {} },
            },
          },
        },
      },
      '/api/v1/segments/{key}/webhooks': {
        get: {
          summary:
            'Webhook delivery log (status: pending, delivered, failed, refused by the URL guard, or cancelled when the URL was removed or changed before delivery)',
          parameters: [key, sourceId],
          responses: { 200: ok('{deliveries}') },
        },
      },
      '/api/v1/profiles/{id}': {
        get: {
          summary: 'Profile: traits, context, recent events, segments and history',
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
            sourceId,
          ],
          responses: { 200: ok('Profile'), 404: ERROR },
        },
      },
      '/api/v1/links': {
        post: {
          summary: 'A URL tagged with a segment’s UTM template',
          requestBody: { required: true, ...json('Link') },
          responses: { 200: ok('{segment, utm, url}'), 404: ERROR },
        },
      },
      '/v1/me/segments': {
        get: {
          summary:
            'The visitor’s own segments and UTM parameters (only with personalization or marketing consent)',
          security: [{ writeKey: [] }],
          parameters: [
            { name: 'anonymousId', in: 'query', required: true, schema: { type: 'string' } },
          ],
          responses: { 200: ok('{segments:[{key, utm}]}'), 401: ERROR },
        },
      },
    },
  };
}
