// What every Graph handler gets and returns. Handlers are synchronous functions from a parsed
// request to a response so that /$batch can run its items through exactly the same code
// (auth, faults, throttling, permissions) as direct calls.
import type { Directory } from '../directory';
import type { FaultTable } from '../faults';
import type { SlidingWindow } from '../throttle';
import type { TokenIssuer } from '../tokens';
import type { SandboxSettings, SeedData } from '../types';

export interface GraphRequest {
  method: string;
  /** Decoded path after /v1.0, e.g. /users/alice_x.com#EXT#@contoso.onmicrosoft.com */
  path: string;
  /** Decoded path segments of `path`. */
  segments: string[];
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  body: unknown;
  /** Effective application permissions of the caller, set by the pipeline after auth. */
  roles: ReadonlySet<string>;
}

export interface GraphResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

export interface GraphContext {
  url: string;
  seed: SeedData;
  directory: Directory;
  settings: SandboxSettings;
  faults: FaultTable;
  throttle: SlidingWindow;
  tokens: TokenIssuer;
  /** Member-add attempts per new user, for settings.replicationLagAttempts. */
  memberAddAttempts: Map<string, number>;
}

/** Thrown by handlers; the pipeline turns it into Graph's error body. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (resource: string): GraphError =>
  new GraphError(
    404,
    'Request_ResourceNotFound',
    `Resource '${resource}' does not exist or one of its queried reference-property objects are not present.`,
  );

export const badRequest = (message: string, code = 'BadRequest'): GraphError => new GraphError(400, code, message);

export const JSON_CONTENT_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): GraphResponse => ({
  status,
  headers: { 'content-type': JSON_CONTENT_TYPE, ...headers },
  body,
});

export const noContent = (): GraphResponse => ({ status: 204, headers: {} });

/** Application permissions that satisfy a need (least privilege first, broader ones accepted). */
export const PERMISSIONS = {
  readUsers: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  invite: ['User.Invite.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'],
  readOrganization: ['Organization.Read.All', 'Organization.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  readGroupMembers: ['GroupMember.Read.All', 'GroupMember.ReadWrite.All', 'Group.Read.All', 'Group.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  writeGroupMembers: ['GroupMember.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  // The Teams membership API (learn.microsoft.com/graph/api/team-post-members, team-delete-members,
  // conversationmembers-add, team-list-members). Owners need the broader TeamMember.ReadWrite.All.
  writeTeamMembers: ['TeamMember.ReadWriteNonOwnerRole.All', 'TeamMember.ReadWrite.All'],
  writeTeamOwners: ['TeamMember.ReadWrite.All'],
  // Listing a team's members is not covered by TeamMember.ReadWriteNonOwnerRole.All (resource-specific
  // TeamMember.Read.Group is not modelled here).
  readTeamMembers: ['TeamMember.Read.All', 'TeamMember.ReadWrite.All'],
} as const;

export function requirePermission(req: GraphRequest, anyOf: readonly string[]): void {
  if (!anyOf.some((r) => req.roles.has(r))) {
    throw new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
  }
}

/** Pulls the object id out of a directoryObjects reference URL, whatever host it names. */
export function directoryObjectId(ref: unknown): string | undefined {
  if (typeof ref !== 'string') return undefined;
  const m = /\/directoryObjects\/([^/?#]+)\/?$/i.exec(ref) ?? /\/(?:users|groups)\/([^/?#]+)\/?$/i.exec(ref);
  return m?.[1] ? decodeURIComponent(m[1]).toLowerCase() : undefined;
}
