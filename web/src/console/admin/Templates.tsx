export function TemplatesScreen(_p: Record<string, unknown>) {
  return <p>TODO</p>;
}
