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

/** An action refused by a case's rules (a guard); its workflow fails the update with an ApplicationFailure of this type. */
export class Refused extends Error {
  constructor(readonly type: (typeof FAILURE)[keyof typeof FAILURE], message: string) {
    super(message);
    this.name = 'Refused';
  }
}
