// Who is in an event's audience (workflows/participation/lifecycle.ts): the code the web app words in
// Russian, and the API's English sentence made from it.
import assert from 'node:assert/strict';
import { audienceExclusion, ineligibility, type Audience, type Person } from '../../workflows/participation/lifecycle';

const AT = '2026-06-15T12:00:00Z';
const pavlovsky: Person = { territoryPath: ['altai.t.pavlovsky', 'altai'], birthDate: '1980-01-01' };
const audience = (over: Partial<Audience> = {}): Audience => ({ territoryIds: [], minAge: null, ...over });

describe('participation audience', () => {
  it('lets in anyone when the audience is open, and a resident of a sub-territory', () => {
    assert.equal(audienceExclusion(audience(), { territoryPath: [], birthDate: null }, AT), null);
    assert.equal(audienceExclusion(audience({ territoryIds: ['altai'], minAge: 18 }), pavlovsky, AT), null);
  });

  it('tells another territory from an unknown one', () => {
    assert.deepEqual(audienceExclusion(audience({ territoryIds: ['altai.t.slavgorod'] }), pavlovsky, AT), { reason: 'territory' });
    assert.deepEqual(audienceExclusion(audience({ territoryIds: ['altai.t.slavgorod'] }), { territoryPath: [], birthDate: null }, AT), { reason: 'territory_unknown' });
  });

  it('checks age in full years on the day, and an unknown birth date', () => {
    const teen: Person = { ...pavlovsky, birthDate: '2010-06-16' };
    assert.deepEqual(audienceExclusion(audience({ minAge: 16 }), teen, AT), { reason: 'age', minAge: 16 });
    assert.equal(audienceExclusion(audience({ minAge: 16 }), teen, '2026-06-16T00:00:00Z'), null);
    assert.deepEqual(audienceExclusion(audience({ minAge: 16 }), { ...pavlovsky, birthDate: null }, AT), { reason: 'birth_date_unknown', minAge: 16 });
  });

  it('keeps the API\'s English reasons', () => {
    assert.equal(ineligibility(audience({ territoryIds: ['x'] }), pavlovsky, AT), 'the event is for residents of other territories');
    assert.equal(ineligibility(audience({ minAge: 99 }), pavlovsky, AT), 'the event is for people aged 99 or older');
    assert.equal(ineligibility(audience({ minAge: 16 }), { ...pavlovsky, birthDate: null }, AT), 'the event is for people aged 16 or older, and your date of birth is unknown');
    assert.equal(ineligibility(audience(), pavlovsky, AT), null);
  });
});
