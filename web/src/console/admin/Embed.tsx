export function EmbedScreen(_p: Record<string, unknown>) {
  return <p>TODO</p>;
}
