import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendErrorPage, statusOf } from '../web/kit/errors';
import { isPageRequest } from '../web/kit/respond';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem';

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

@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    if (isPageRequest(request.url)) {
      const status = statusOf(error);
      if (status >= 500)
        logger.error({ err: error, requestId: request.id, url: request.url }, 'page failed');
      sendErrorPage(error, request, reply);
      return;
    }
    sendProblem(error, request, reply);
  }
}
