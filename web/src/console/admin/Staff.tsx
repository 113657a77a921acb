export function StaffScreen(_p: Record<string, unknown>) {
  return <p>TODO</p>;
}
