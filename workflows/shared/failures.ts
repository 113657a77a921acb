// Failure types shared by the workflows of every case type and by the activities they call.

/**
 * Failure types thrown by update validators and handlers. The API maps them to HTTP statuses:
 * Forbidden → 403, InvalidTransition → 409, InvalidInput → 422.
 */
export const FAILURE = {
  forbidden: 'Forbidden',
  invalidTransition: 'InvalidTransition',
  invalidInput: 'InvalidInput',
} as const;
