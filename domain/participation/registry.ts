// The participation types: one manifest per type (./manifest.ts), gathered in a record over the
// ParticipationType union, so tsc refuses a type without its manifest, or a manifest of a type the spec
// does not have. Nothing registers itself: whoever needs a type's rules reads them here.
import type { ParticipationType } from '../../workflows/participation/lifecycle';
import { discussionManifest } from './discussion';
import { hearingManifest } from './hearing';
import type { ParticipationManifest } from './manifest';
import { pollManifest } from './poll';
import { voteManifest } from './vote';

export const PARTICIPATION_TYPES: { readonly [T in ParticipationType]: ParticipationManifest<T> } = {
  poll: pollManifest,
  vote: voteManifest,
  discussion: discussionManifest,
  hearing: hearingManifest,
};

export function isParticipationType(type: unknown): type is ParticipationType {
  return typeof type === 'string' && Object.hasOwn(PARTICIPATION_TYPES, type);
}

export function participationType<T extends ParticipationType>(type: T): ParticipationManifest<T> {
  return PARTICIPATION_TYPES[type];
}
