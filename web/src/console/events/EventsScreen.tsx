export function EventsScreen(_p: Record<string, unknown>) {
  return <p>TODO</p>;
}
