export function EventScreen(_p: Record<string, unknown>) {
  return <p>TODO</p>;
}
