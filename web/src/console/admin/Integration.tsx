export function IntegrationScreen(_p: Record<string, unknown>) {
  return <p>TODO</p>;
}
