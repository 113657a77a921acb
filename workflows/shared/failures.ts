// Failure types shared by the workflows of every case type and by the activities they call.
import { ApplicationFailure } from '@temporalio/common';

/**
 * Failure types thrown by update validators and handlers. The API maps them to HTTP statuses:
 * Forbidden → 403, InvalidTransition → 409, InvalidInput → 422.
 */
export const FAILURE = {
  forbidden: 'Forbidden',
  invalidTransition: 'InvalidTransition',
  invalidInput: 'InvalidInput',
} as const;

/** An action refused by a guard (a pure rule); the workflow turns it into an ApplicationFailure of the same type. */
export class ActionRefused extends Error {
  constructor(readonly type: (typeof FAILURE)[keyof typeof FAILURE], message: string) {
    super(message);
    this.name = 'ActionRefused';
  }
}

/** Runs a guard or transition: a refusal fails the update (the API maps its type to 403/409/422); any other error fails the task. */
export function refusing<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ActionRefused) throw ApplicationFailure.create({ type: e.type, message: e.message, nonRetryable: true });
    throw e;
  }
}
