import fastifyCookie from '@fastify/cookie';
import { RequestMethod } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  DocumentBuilder,
  getSchemaPath,
  OpenAPIObject,
  OperationObject,
  SwaggerModule,
} from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule, AppOptions } from './app.module';
import { ACCESS_KEY, AccessDeclaration } from './auth/actor';
import { SessionListener } from './auth/session-listener';
import { BODY_LIMIT_BYTES, useBodyParsers, useUploads } from './common/request-limits';
import { BadInput } from './common/errors';
import { PROBLEM_CONTENT_TYPE, ProblemDto } from './common/problem';
import { answerClientError, answerError } from './common/problem.filter';
import { useResponseSchemas } from './common/response-schema';
import { RequestContext, runInRequest } from './common/request-context';
import { requestIdFor } from './logging';
import { useSecurityHeaders } from './security-headers';
import { usePageUploads } from './web/kit/upload';

/** Builds the HTTP application (not yet listening). Used by main.ts and the CLI alike. */
export async function createApp(options: AppOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: options.config.trustProxy,
    genReqId: requestIdFor,
    return503OnClosing: true,
    // What is refused before a route is found is answered as every error is: problem+json (a
    // page's: its error page). Node's parser (a header section over 16 KiB, malformed HTTP)…
    clientErrorHandler: answerClientError,
    // …Fastify's router (a malformed percent-encoding, a path parameter over 100 characters)…
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      void reply.header('X-Request-Id', String(request.id));
      answerError(error, request, reply);
    },
    // …and a request without Host, which Node would answer with an empty 400 (see the hook).
    http: { requireHostHeader: false },
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(options),
    adapter,
    {
      bufferLogs: true,
      abortOnError: false,
    },
  );
  app.useLogger(app.get(Logger));
  app.flushLogs();
  useBodyParsers(app);

  await app.register(fastifyCookie);
  await useUploads(app);
  const fastify = app.getHttpAdapter().getInstance();
  const contexts = new WeakMap<FastifyRequest, RequestContext>();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('X-Request-Id', String(request.id));
    if (request.raw.httpVersion === '1.1' && request.headers.host === undefined)
      return done(BadInput.field('Host', 'required', 'An HTTP/1.1 request needs a Host header.'));
    const context: RequestContext = { requestId: String(request.id) };
    contexts.set(request, context);
    runInRequest(context, done);
  });
  // A request that ended or altered sessions answers once this instance's session cache has
  // heard of it (its commit is done by now), so the caller's next request meets the change.
  const sessions = app.get(SessionListener);
  fastify.addHook('onSend', (request, _reply, payload, done) => {
    if (!contexts.get(request)?.sessionsChanged) return done(null, payload);
    void sessions.settle().then(() => done(null, payload));
  });
  useSecurityHeaders(fastify);
  usePageUploads(fastify);

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Liaison API')
      .setDescription(
        'CRM for international business networking: contacts met abroad, delegation trips, follow-ups and leads for local companies.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
    { extraModels: [ProblemDto] },
  );
  documentBadRequests(document);
  if (options.config.responseSchemas) useResponseSchemas(app, document);
  // The tags start closed: with every one of 140 operations open, Swagger UI drew only the first
  // three tags (no error, the rest missing); opened one by one, each shows all its operations.
  SwaggerModule.setup('api/docs', app, document, {
    jsonDocumentUrl: 'api/docs-json',
    swaggerOptions: { docExpansion: 'none' },
  });
  return app;
}

/** Every API operation can answer 400 (a bad id, query or body): the problem it sends then. */
function documentBadRequests(document: OpenAPIObject): void {
  const problem = {
    description: 'Bad input: `errors` names each bad field with the code of the rule it broke.',
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDto) } } },
  };
  for (const [path, operations] of Object.entries(document.paths)) {
    if (!path.startsWith('/api/')) continue;
    for (const operation of Object.values(operations as Record<string, OperationObject>)) {
      if (typeof operation !== 'object' || !operation || !('responses' in operation)) continue;
      operation.responses['400'] ??= problem;
    }
  }
}

export interface RouteDeclaration {
  method: string;
  path: string;
  handler: string;
  access: AccessDeclaration | undefined;
}

/** Every controller route with what it declares; the basis of the "every route declares" test. */
export function routeDeclarations(app: NestFastifyApplication): RouteDeclaration[] {
  const discovery = app.get(DiscoveryService);
  const scanner = new MetadataScanner();
  const routes: RouteDeclaration[] = [];
  for (const wrapper of discovery.getControllers()) {
    const instance = wrapper.instance as object | undefined;
    const type = wrapper.metatype as (new (...args: unknown[]) => unknown) | undefined;
    if (!instance || !type) continue;
    const base = (Reflect.getMetadata('path', type) as string | undefined) ?? '';
    const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
    // Every method Nest routes, inherited ones too (the record routes of src/common/record-controller.ts).
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name];
      if (typeof handler !== 'function') continue;
      const path = Reflect.getMetadata('path', handler) as string | undefined;
      const method = Reflect.getMetadata('method', handler) as RequestMethod | undefined;
      if (path === undefined || method === undefined) continue;
      const access =
        (Reflect.getMetadata(ACCESS_KEY, handler) as AccessDeclaration | undefined) ??
        (Reflect.getMetadata(ACCESS_KEY, type) as AccessDeclaration | undefined);
      routes.push({
        method: RequestMethod[method],
        path: `/${[base, path]
          .map((p) => p.replace(/^\/|\/$/g, ''))
          .filter(Boolean)
          .join('/')}`,
        handler: `${type.name}.${name}`,
        access,
      });
    }
  }
  return routes;
}
