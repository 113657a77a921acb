// Cases told step by step through the appeal projection itself (activities/appeal.ts
// projectAppealTransition), with chosen moments: each step writes the read model and refreshes the
// monitoring rollups exactly as a workflow's transition does, without waiting for real terms.
import { createAppealActivities } from '../../activities/appeal';
import type { Db } from '../../db/connection';
import type { AppealEventType } from '../../workflows/appeal/events';
import type { AppealInput, AppealState } from '../../workflows/appeal/messages';
import { type Actor, SYSTEM } from '../../workflows/shared/actor';

const OPERATOR: Actor = { userId: null, role: 'operator' };
const CITIZEN: Actor = { userId: null, role: 'citizen' };

export interface StoryStart {
  id: string;
  regionId: string;
  organisationId: string;
  categoryId: string | null;
  subcategoryId: string;
  territoryId: string | null;
  registeredAt: string;
  answerDueAt: string;
  advisoryDueAt?: string;
  channel?: string;
}

export class CaseStory {
  state: AppealState;
  readonly input: AppealInput;
  private readonly project: ReturnType<typeof createAppealActivities>['projectAppealTransition'];

  constructor(db: Db, s: StoryStart) {
    this.project = createAppealActivities(db).projectAppealTransition;
    this.input = {
      caseId: s.id, kind: 'appeal', regionId: s.regionId, applicant: { userId: null, name: 'Ivan Petrov', email: null },
      categoryId: s.categoryId ?? '', subcategoryId: s.subcategoryId, territoryId: s.territoryId, text: `Story ${s.id}`,
      receivedAt: s.registeredAt, channel: s.channel,
    };
    if (s.categoryId === null) (this.input as { categoryId: string | null }).categoryId = null;
    this.state = {
      caseId: s.id, kind: 'appeal', regionId: s.regionId, applicantUserId: null, status: 'registered',
      regulation: { negativeRatingThreshold: 2, ratingWindowDays: 10, reminderOffsetsDays: [], extensionMaxDays: 30 },
      organisationId: s.organisationId, previousOrganisations: [], registeredAt: s.registeredAt, answerDueAt: s.answerDueAt,
      termDays: 30, accelerated: false, advisory: s.advisoryDueAt !== undefined, advisoryDueAt: s.advisoryDueAt ?? null,
      advisoryMissed: false, overdue: false, extended: false, round: 1, remindersSent: [], answer: null, clarification: null,
      rating: null, ratingDueAt: null, resolution: null, closedAt: null, seq: 0,
    };
  }

  async step(type: AppealEventType, at: string, patch: Partial<AppealState> = {}, details: Record<string, unknown> = {}, actor = OPERATOR): Promise<this> {
    this.state = { ...this.state, ...patch, seq: this.state.seq + 1 };
    await this.project({ input: this.input, state: this.state, type, actor, occurredAt: at, details });
    return this;
  }

  registered() { return this.step('registered', this.state.registeredAt!, {}, {}, SYSTEM); }
  taken(at: string) { return this.step('taken_into_work', at, { status: 'in_work' }); }
  answered(at: string) {
    const answer = { text: 'Answer', attachments: [], answeredAt: at, byUserId: null, organisationId: this.state.organisationId! };
    return this.step('answered', at, { status: 'answered', answer });
  }
  redirected(at: string, to: string) {
    return this.step('redirected', at, { organisationId: to, status: 'registered' }, { from: this.state.organisationId, to, reason: 'Not ours' });
  }
  extended(at: string, answerDueAt: string) {
    return this.step('term_extended', at, { answerDueAt, extended: true }, { days: 10, reason: 'Site visit' });
  }
  ratedPositive(at: string, rating: number) {
    return this.step('rated', at, { status: 'closed', rating, resolution: 'rated_positive', closedAt: at }, { rating, comment: null }, CITIZEN);
  }
  escalated(at: string, rating: number, to: string, answerDueAt: string) {
    const from = this.state.organisationId;
    return this.step('escalated', at, {
      organisationId: to, status: 'registered', round: this.state.round + 1, answerDueAt, answer: null, rating: null, overdue: false, extended: false,
      previousOrganisations: [...this.state.previousOrganisations, from!],
    }, { rating, comment: null, from, to }, CITIZEN);
  }
  ratingWindowExpired(at: string) {
    return this.step('closed', at, { status: 'closed', resolution: 'rating_window_expired', closedAt: at }, { resolution: 'rating_window_expired' }, SYSTEM);
  }
  reopened(at: string, answerDueAt: string) {
    return this.step('reopened', at, {
      status: 'registered', round: this.state.round + 1, answerDueAt, answer: null, rating: null, resolution: null, closedAt: null, overdue: false,
    }, { reason: 'The answer did not address the question' }, { userId: null, role: 'supervisor' });
  }
  overdue(at: string) { return this.step('overdue', at, { overdue: true }, { answerDueAt: this.state.answerDueAt }, SYSTEM); }
  advisoryMissed(at: string) { return this.step('advisory_term_missed', at, { advisoryMissed: true }, {}, SYSTEM); }
}
