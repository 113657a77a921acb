// Temporal client errors → HTTP problems. Update validators and handlers of the appeal workflow fail
// with ApplicationFailure types from FAILURE (workflows/appeal/messages.ts).
import {
  ApplicationFailure,
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcServiceError,
} from '@temporalio/client';
import { FAILURE } from '../workflows/shared/failures';
import { HttpProblem, PROBLEM, problems } from '../domain/problem';

/** The first ApplicationFailure in a cause chain (an update may fail with an activity's failure inside). */
function applicationFailure(err: unknown): ApplicationFailure | undefined {
  let e: unknown = err;
  for (let depth = 0; e && depth < 10; depth++) {
    if (e instanceof ApplicationFailure) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function grpcCode(err: unknown): number | undefined {
  let e: unknown = err;
  for (let depth = 0; e && depth < 5; depth++) {
    if (isGrpcServiceError(e)) return e.code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Maps a Temporal error to a problem; undefined when it is not one we know (→ 500). */
export function temporalProblem(err: unknown, caseId?: string): HttpProblem | undefined {
  if (err instanceof WorkflowUpdateFailedError) {
    const f = applicationFailure(err.cause);
    const detail = f?.message || 'The action was rejected.';
    switch (f?.type) {
      case FAILURE.forbidden:
        return problems.forbidden(detail);
      case FAILURE.invalidTransition:
        return problems.invalidTransition(detail);
      case FAILURE.invalidInput:
        return problems.unprocessable(detail);
      case 'NoRoute':
        return new HttpProblem({ status: 422, type: PROBLEM.noRoute, title: 'No routing rule applies', detail });
      default:
        return undefined;
    }
  }
  if (err instanceof WorkflowNotFoundError) {
    return problems.notFound(caseId ? `There is no case ${caseId}.` : 'No such case.');
  }
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return problems.unavailable(
      'The case engine did not finish the action in time. It may still be applied: repeat the request with the same Idempotency-Key to get its result.',
    );
  }
  const code = grpcCode(err);
  // 14 UNAVAILABLE, 4 DEADLINE_EXCEEDED, 8 RESOURCE_EXHAUSTED
  if (code === 14 || code === 4 || code === 8 || (err instanceof ServiceError && code === undefined && /unavailable|connect/i.test(err.message))) {
    return problems.unavailable('The case engine (Temporal) is not reachable right now. Retry shortly.');
  }
  return undefined;
}
