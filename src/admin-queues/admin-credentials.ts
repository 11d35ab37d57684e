/**
 * The API key in a request to the admin dashboard: `Authorization: Bearer <key>` (scripts, a proxy
 * that adds it), or HTTP Basic with the key as the password and any user name, which is what a
 * browser sends after its sign-in prompt (so an admin opens /admin/queues and pastes the key).
 */
export function adminKeyFrom(authorization: string | undefined): string | undefined {
  const header = authorization ?? '';
  const bearer = /^Bearer\s+(\S{1,512})$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+([A-Za-z0-9+/=]{1,1024})$/i.exec(header);
  if (!basic) return undefined;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  return password || undefined;
}
