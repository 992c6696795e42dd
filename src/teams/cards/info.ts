// Help and welcome: what Guest Pass does and which policy applies.
import infoTemplate from './info.json';
import { expand, type AdaptiveCard } from './expand';

export interface InfoCardData {
  title: string;
  paragraphs: string[];
  commands: { command: string; what: string }[];
  policy: string;
  owners: string;
}

/** Help and the welcome when the app joins a team: what Guest Pass does, the policy in force, who the owners are. */
export function infoCard(data: InfoCardData): AdaptiveCard {
  return expand(infoTemplate, data);
}

// ---- the guest lifecycle: reviews, their reminder and expiry, pending guests ----------------------
