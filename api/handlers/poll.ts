// Polls: their rules plugged into the events core (domain/participation/poll.ts). A poll has no
// operations of its own: it is created, answered and read through /events.
import { pollRules } from '../../domain/participation/poll';
import { registerParticipationType } from '../../domain/participation/registry';
import type { Handlers } from '../routes';

registerParticipationType('poll', pollRules);

export const pollHandlers = {} satisfies Partial<Handlers>;
