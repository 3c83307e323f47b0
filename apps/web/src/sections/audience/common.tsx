/** A customer's name as the audience and messages pages show it. */
export function customerName(c: {
  firstName: string | null;
  lastName: string | null;
  externalId: string;
}): string {
  const name = [c.firstName, c.lastName].filter(Boolean).join(' ');
  return name || c.externalId;
}
