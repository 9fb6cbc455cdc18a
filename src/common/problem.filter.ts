import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DatabaseOutage } from '../database/outage';
import { isDatabaseUnavailable, PROBLEM_CONTENT_TYPE, toProblem } from './problem';

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

@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly outage: DatabaseOutage) {}

  catch(error: unknown, host: ArgumentsHost): void {
    if (isDatabaseUnavailable(error)) this.outage.refused(error);
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const responder = responders.find((r) => r.handles(request));
    if (responder) return responder.send(error, request, reply);
    sendProblem(error, request, reply);
  }
}
