// The rule that proposes duplicate appeals as a group (domain/cases/similarity.ts).
import assert from 'node:assert/strict';
import {
  addressKey, areSimilar, boundingBox, distanceMetres, proposeGroups, similarTo, type SimilarityCase, type SimilarityRule,
} from '../../domain/cases/similarity';

const rule: SimilarityRule = { distanceMetres: 100, periodDays: 30 };
// Barnaul, Lenina prospekt: 0.0009° of latitude is about 100 m.
const here = { latitude: 53.3481, longitude: 83.7798 };
const north = (metres: number) => ({ latitude: here.latitude + metres / 111_195, longitude: here.longitude });

function c(id: string, over: Partial<SimilarityCase> = {}): SimilarityCase {
  return { id, subcategoryId: 'potholes', address: null, location: here, registeredAt: '2026-12-01T10:00:00Z', ...over };
}

describe('duplicate appeals: the similarity rule', () => {
  it('measures great-circle distances', () => {
    assert.ok(Math.abs(distanceMetres(here, north(100)) - 100) < 0.5);
    // Barnaul to Biysk is about 130 km.
    const biysk = { latitude: 52.5394, longitude: 85.2072 };
    assert.ok(Math.abs(distanceMetres(here, biysk) - 130_000) < 5_000);
    assert.equal(distanceMetres(here, here), 0);
  });

  it('finds the same address written differently', () => {
    assert.equal(addressKey('г. Барнаул, ул. Ленина, д. 5'), addressKey('Барнаул Ленина 5'));
    assert.equal(addressKey('Тёплая улица 3'), addressKey('теплая 3'));
    assert.notEqual(addressKey('Ленина 5'), addressKey('Ленина 7'));
    assert.equal(addressKey('ул., д.'), null);
    assert.equal(addressKey(null), null);
  });

  it('same subcategory, within the distance and the period: similar', () => {
    assert.equal(areSimilar(c('a'), c('b', { location: north(99) }), rule), true);
    assert.equal(areSimilar(c('a'), c('b', { location: north(101) }), rule), false);
    assert.equal(areSimilar(c('a'), c('b', { location: north(50), subcategoryId: 'lighting' }), rule), false);
    assert.equal(areSimilar(c('a'), c('b', { registeredAt: '2026-12-31T10:00:00Z' }), rule), true);
    assert.equal(areSimilar(c('a'), c('b', { registeredAt: '2026-12-31T10:00:01Z' }), rule), false);
    assert.equal(areSimilar(c('a', { subcategoryId: null }), c('b', { subcategoryId: null }), rule), false);
    assert.equal(areSimilar(c('a'), c('a'), rule), false, 'a case is not its own duplicate');
  });

  it('the same address counts without points, or when the points are further apart', () => {
    const addr = { location: null, address: 'ул. Ленина, д. 5' };
    assert.equal(areSimilar(c('a', addr), c('b', { ...addr, address: 'Ленина 5' }), rule), true);
    assert.equal(areSimilar(c('a', addr), c('b', { location: null, address: 'Ленина 7' }), rule), false);
    assert.equal(areSimilar(c('a', { address: 'Ленина 5' }), c('b', { address: 'Ленина 5', location: north(500) }), rule), true);
    assert.equal(areSimilar(c('a', { location: null }), c('b', { location: null }), rule), false, 'neither point nor address');
  });

  it('the distance and the period are the configured ones', () => {
    const wide: SimilarityRule = { distanceMetres: 600, periodDays: 60 };
    const far = c('b', { location: north(500), registeredAt: '2027-01-20T10:00:00Z' });
    assert.equal(areSimilar(c('a'), far, rule), false);
    assert.equal(areSimilar(c('a'), far, wide), true);
  });

  it('lists the similar cases oldest first', () => {
    const list = [c('x', { registeredAt: '2026-12-05T00:00:00Z' }), c('y', { location: north(300) }), c('w', { registeredAt: '2026-11-20T00:00:00Z' })];
    assert.deepEqual(similarTo(c('t'), list, rule).map((x) => x.id), ['w', 'x']);
  });

  it('proposes groups: chains of similar cases, two or more, oldest first', () => {
    const cases = [
      c('d', { location: north(180), registeredAt: '2026-12-03T00:00:00Z' }), // near b, not near a
      c('a', { registeredAt: '2026-12-01T00:00:00Z' }),
      c('b', { location: north(90), registeredAt: '2026-12-02T00:00:00Z' }),
      c('lonely', { location: north(5000) }),
      c('l1', { subcategoryId: 'lighting', location: null, address: 'Мира 1', registeredAt: '2026-11-30T00:00:00Z' }),
      c('l2', { subcategoryId: 'lighting', location: null, address: 'ул. Мира, 1', registeredAt: '2026-12-04T00:00:00Z' }),
      c('late', { registeredAt: '2027-02-01T00:00:00Z' }), // same place, outside the period of every other
    ];
    assert.deepEqual(proposeGroups(cases, rule).map((g) => g.map((x) => x.id)), [['l1', 'l2'], ['a', 'b', 'd']]);
    assert.deepEqual(proposeGroups([], rule), []);
  });

  it('the bounding box holds every point within the distance', () => {
    for (const p of [here, { latitude: 70, longitude: 179.999 }, { latitude: -45, longitude: 0 }]) {
      const box = boundingBox(p, 1000);
      for (const bearing of [0, 45, 90, 135, 180, 225, 270, 315]) {
        const rad = (bearing * Math.PI) / 180;
        const q = { latitude: p.latitude + (999 / 111_195) * Math.cos(rad), longitude: p.longitude + ((999 / 111_195) * Math.sin(rad)) / Math.cos((p.latitude * Math.PI) / 180) };
        assert.ok(distanceMetres(p, q) <= 1000);
        assert.ok(q.latitude >= box.minLatitude && q.latitude <= box.maxLatitude, `latitude at ${bearing}°`);
        assert.ok(q.longitude >= box.minLongitude && q.longitude <= box.maxLongitude, `longitude at ${bearing}°`);
      }
    }
  });
});
