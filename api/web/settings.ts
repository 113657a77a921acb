// Settings of the citizen's web app, from the environment:
//   OTKLIK_MAP_TILES_URL      a tile source for the form's map, e.g. https://tile.example.org/{z}/{x}/{y}.png
//                             ({s} for subdomains allowed); absent: no map, the form asks for an address only
//   OTKLIK_MAP_ATTRIBUTION    the tiles' attribution shown on the map (default: none)
import type { Env } from '../../domain/config/env';

export interface MapSettings {
  tilesUrl: string;
  attribution: string;
  /** The tiles' origin for the page's img-src ({s} as a wildcard subdomain). */
  imageSource: string;
}

/** The map's tile source, or null when none is set or the value is not an http(s) URL template. */
export function mapFromEnv(env: Env = process.env): MapSettings | null {
  const tilesUrl = env.OTKLIK_MAP_TILES_URL?.trim();
  if (!tilesUrl) return null;
  const match = /^(https?:\/\/)([^/]+)\//.exec(tilesUrl);
  if (!match || !/^[A-Za-z0-9.{}:*-]+$/.test(match[2])) return null;
  return { tilesUrl, attribution: env.OTKLIK_MAP_ATTRIBUTION ?? '', imageSource: match[1] + match[2].replace('{s}', '*') };
}
