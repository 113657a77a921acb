// What the dashboards' filters choose from and their tables name: the regions (for an administrator),
// a region's municipal districts, organisations and categories, and the names of ids.
import { useEffect, useState } from 'preact/hooks';
import { api, call, type Schemas } from '../../api';
import { organisationsOf, type Organisation } from '../data';

export interface Reference {
  regions: Schemas['Region'][];
  districts: Schemas['Territory'][];
  territories: Schemas['Territory'][];
  organisations: Organisation[];
  categories: Schemas['Category'][];
}

const EMPTY: Reference = { regions: [], districts: [], territories: [], organisations: [], categories: [] };
const DISTRICT_KINDS = ['municipal_district', 'municipal_okrug', 'city_district'];

export function useReference(regionId: string): Reference {
  const [ref, setRef] = useState<Reference>(EMPTY);
  useEffect(() => {
    let live = true;
    const regions = call(() => api.GET('/regions')).then((r) => r.items);
    const inRegion = regionId
      ? Promise.all([
        call(() => api.GET('/regions/{regionId}/territories', { params: { path: { regionId } } })).then((r) => r.items),
        organisationsOf(regionId),
        call(() => api.GET('/regions/{regionId}/classifier', { params: { path: { regionId } } })).then((r) => r.categories),
      ])
      : Promise.resolve<[Reference['territories'], Organisation[], Reference['categories']]>([[], [], []]);
    Promise.all([regions, inRegion]).then(([rs, [territories, organisations, categories]]) => {
      if (live) setRef({ regions: rs, territories, districts: territories.filter((t) => DISTRICT_KINDS.includes(t.kind)), organisations, categories });
    }, () => { if (live) setRef(EMPTY); });
    return () => { live = false; };
  }, [regionId]);
  return ref;
}

/** The name of a category, organisation or territory of the region, else its id. */
export function nameOf(ref: Reference, id: string | null | undefined): string {
  if (!id) return '';
  return ref.organisations.find((o) => o.id === id)?.name ?? ref.categories.find((c) => c.id === id)?.name
    ?? ref.territories.find((t) => t.id === id)?.name ?? id;
}
