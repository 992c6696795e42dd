// Links from what people read to the docs that say how to fix it. The base URL is set once, at
// start-up, from DOCS_BASE_URL (src/config.ts); this module only joins it with a page and an anchor.
import { DEFAULT_DOCS_BASE_URL } from '../config';

let docsBaseUrl = DEFAULT_DOCS_BASE_URL;

/** Called by createApp with config.docsBaseUrl. */
export function setDocsBaseUrl(url: string): void {
  docsBaseUrl = url.replace(/\/+$/, '');
}

/** The tenant prerequisites in docs/deployment.md, one anchor per setting (section 8 there). */
export type TenantPrerequisite =
  | 'tenant-guest-invite-restrictions'
  | 'tenant-collaboration-domains'
  | 'tenant-cross-tenant-access'
  | 'tenant-group-allow-guests'
  | 'tenant-graph-permissions';

/** A Markdown link (Adaptive Card TextBlocks and Teams messages render it) to one tenant prerequisite. */
export function tenantDocsLink(anchor: TenantPrerequisite): string {
  return `[What a tenant admin checks](${docsBaseUrl}/deployment.md#${anchor})`;
}
