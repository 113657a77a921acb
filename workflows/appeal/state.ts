// Readings of an appeal's state shared by its transitions, its activities and the API's read model.
// Pure and deterministic; it imports only types, so any layer may use it without a circle.
import type { AppealState, ExternalRegistration } from './messages';

/** The handling organisation's acknowledged registration, if its СЭД has acknowledged the case. */
export function currentExternalRegistration(state: Pick<AppealState, 'organisationId' | 'externalRegistrations'>): ExternalRegistration | null {
  return (state.externalRegistrations ?? []).find((r) => r.organisationId === state.organisationId) ?? null;
}
