// A point on the map, only when the platform has a tile source (OTKLIK_MAP_TILES_URL). Leaflet is bundled
// (no CDN); the point is a vector circle, so no marker images are needed. Keyboard: the map pans with the
// arrows when focused (Leaflet's own), Enter puts the point at the centre.
import 'leaflet/dist/leaflet.css';
import L from 'leaflet';
import { useEffect, useRef } from 'preact/hooks';
import { Button } from '../components/ui';
import { T } from '../text';

type Point = { latitude: number; longitude: number };

interface Props {
  tilesUrl: string;
  attribution: string;
  value: Point | null;
  onChange: (p: Point | null) => void;
}

/** Where the map opens until a point is set (the API has no region centres yet): Barnaul. */
const START: L.LatLngTuple = [53.35, 83.77];

export function MapPicker({ tilesUrl, attribution, value, onChange }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const mark = useRef<L.CircleMarker | null>(null);
  const set = (ll: L.LatLng) => onChange({ latitude: Number(ll.lat.toFixed(6)), longitude: Number(ll.lng.toFixed(6)) });
  useEffect(() => {
    const m = L.map(box.current!, { keyboard: true }).setView(value ? [value.latitude, value.longitude] : START, value ? 16 : 11);
    L.tileLayer(tilesUrl, { attribution, maxZoom: 19 }).addTo(m);
    m.on('click', (e: L.LeafletMouseEvent) => set(e.latlng));
    box.current!.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); set(m.getCenter()); } });
    map.current = m;
    return () => m.remove();
  }, [tilesUrl]);
  useEffect(() => {
    mark.current?.remove();
    mark.current = value && map.current ? L.circleMarker([value.latitude, value.longitude], { radius: 9, color: '#b3261e' }).addTo(map.current) : null;
  }, [value?.latitude, value?.longitude]);
  return (
    <div class="field">
      <p class="hint" id="map-help">{T.form.mapLabel}</p>
      <div ref={box} class="map" role="application" aria-label={T.form.mapLabel} aria-describedby="map-help" tabIndex={0} />
      {value && (
        <p role="status">
          {T.form.mapPoint(value.latitude.toFixed(5), value.longitude.toFixed(5))}{' '}
          <Button kind="secondary" onClick={() => onChange(null)}>{T.form.mapClear}</Button>
        </p>
      )}
    </div>
  );
}
