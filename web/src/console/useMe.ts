// The signed-in person inside a screen (the shell has loaded them before any screen shows).
import { useEffect, useState } from 'preact/hooks';
import { loadMe, type Me } from './session';

export function useMe(): Me | null {
  const [me, setMe] = useState<Me | null>(null);
  useEffect(() => { loadMe().then(setMe); }, []);
  return me;
}
