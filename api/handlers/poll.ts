// Polls: a poll has no operations of its own: it is created, answered and read through /events, with
// its rules taken from its manifest (domain/participation/poll.ts).
import type { Handlers } from '../routes';

export const pollHandlers = {} satisfies Partial<Handlers>;
