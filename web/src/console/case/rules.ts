// Which operator actions fit a case now, and why the others do not: the workflow's own rules
// (workflows/appeal/workflow.ts), shown before the operator tries. The workflow still decides (a 409
// when someone acted meanwhile). Pure: the same case gives the same answer.
import type { components } from '../../../../openapi/types';
import { T } from '../../text';

type CaseSummary = components['schemas']['Case'];

export type OperatorAction = 'take' | 'answer' | 'redirect' | 'clarify' | 'extend' | 'leave';
export type SupervisorAction = 'reassign' | 'term' | 'close' | 'reopen';

const OPEN = ['registered', 'in_work', 'clarification_requested'];

/** null when the action fits, else why not (Russian, for the screen). */
export function operatorBlock(c: CaseSummary, action: OperatorAction): string | null {
  const A = T.console.actions;
  const open = OPEN.includes(c.status);
  switch (action) {
    case 'take': return c.status === 'registered' ? null : A.notRegistered;
    case 'answer': return open ? null : A.notOpen;
    case 'redirect':
    case 'clarify': return ['registered', 'in_work'].includes(c.status) ? null : A.notBeforeAnswer;
    case 'extend': return !open ? A.notOpen : c.extended ? A.extendDone : c.overdue ? A.extendOverdue : null;
    case 'leave': return !open ? A.notOpen : c.kind !== 'appeal' ? A.leaveMessages : null;
  }
}

export function supervisorAllowed(c: CaseSummary, action: SupervisorAction): boolean {
  switch (action) {
    case 'reassign':
    case 'close': return OPEN.includes(c.status) || c.status === 'answered';
    case 'term': return OPEN.includes(c.status);
    case 'reopen': return c.status === 'closed';
  }
}
