import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DatabaseOutage } from '../database/outage';
import { DATA_CSP } from '../security-headers';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem';
import { closeAfterDraining, keepConnectionAfterBodyError } from './request-limits';

const logger = new Logger('Problem');

/** Sends any error as problem+json; unexpected ones are logged with the request id, never shown. */
export function sendProblem(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { problem, headers, unexpected } = toProblem(error);
  problem.instance = request.url.split('?')[0];
  problem.requestId = String(request.id);
  if (unexpected) {
    logger.error(
      { err: error, requestId: request.id, method: request.method, url: request.url },
      `${problem.status} ${problem.title}`,
    );
  }
  if (reply.sent) return;
  void reply
    .status(problem.status)
    .headers(headers)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(problem));
}

/**
 * A feature module may answer the errors of its own requests itself (the web pages answer with
 * an HTML page or a sign-in redirect); everything else is problem+json.
 */
export interface ErrorResponder {
  handles(request: FastifyRequest): boolean;
  send(error: unknown, request: FastifyRequest, reply: FastifyReply): void;
}
const responders: ErrorResponder[] = [];
export const respondToErrorsOf = (responder: ErrorResponder): void => {
  responders.push(responder);
};

/** Answers the error of a request: by the responder of the module it is for, else problem+json. */
export function answerError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  keepConnectionAfterBodyError(request, reply);
  const responder = responders.find((r) => r.handles(request));
  if (responder) return responder.send(error, request, reply);
  sendProblem(error, request, reply);
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly outage: DatabaseOutage) {}

  catch(error: unknown, host: ArgumentsHost): void {
    if (toProblem(error).databaseUnavailable) this.outage.refused(error);
    const http = host.switchToHttp();
    answerError(error, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }
}

/**
 * Fastify's clientErrorHandler: what Node's HTTP parser refused before there was a request (a
 * request line and headers over 16 KiB, a malformed request line or header), as problem+json
 * written to the connection, which is then closed once the client has stopped sending. The request id is a new one, logged.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  // A connection the client reset has nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { problem } = toProblem(error);
  problem.requestId = randomUUID();
  logger.log(
    { requestId: problem.requestId, code: error.code },
    `${problem.status} ${problem.title}: refused before routing`,
  );
  // As Node itself: no answer into one already being sent on the connection (a pipelined request).
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || inFlight?.headersSent) return void socket.destroy();
  const body = JSON.stringify(problem);
  closeAfterDraining(socket);
  socket.end(
    [
      `HTTP/1.1 ${problem.status} ${problem.title}`,
      `Content-Type: ${PROBLEM_CONTENT_TYPE}`,
      `Content-Length: ${Buffer.byteLength(body)}`,
      `X-Request-Id: ${problem.requestId}`,
      // The security headers of every answer (src/security-headers.ts), for one no hook sees.
      `Content-Security-Policy: ${DATA_CSP}`,
      'X-Frame-Options: DENY',
      'X-Content-Type-Options: nosniff',
      'Cache-Control: no-store',
      'Connection: close',
      '',
      body,
    ].join('\r\n'),
  );
}
