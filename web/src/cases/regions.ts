// The regions' time zones, asked once per region: terms are dates of the case's region.
import { useEffect, useState } from 'preact/hooks';
import { api, call } from '../api';

const zones = new Map<string, Promise<string>>();

function zoneOf(regionId: string): Promise<string> {
  let zone = zones.get(regionId);
  if (!zone) {
    zone = call(() => api.GET('/regions/{regionId}', { params: { path: { regionId } } })).then((r) => r.timeZone);
    zones.set(regionId, zone);
  }
  return zone;
}

/** The region's IANA zone; undefined until it is known. */
export function useTimeZone(regionId: string | undefined): string | undefined {
  const [zone, setZone] = useState<string | undefined>();
  useEffect(() => {
    if (regionId) zoneOf(regionId).then(setZone, () => setZone('Europe/Moscow'));
  }, [regionId]);
  return zone;
}
