// Brings a guest's review (or, with --pending, their not-yet-accepted reminder) due now, for trying
// the lifecycle in the Agents Playground: `npm run review-due -- alice@fabrikam.com [--pending]`.
// It edits the bot's embedded store in DATA_DIR (default: .data/playground, what `npm run dev`
// uses), with the same ETag writes the bot makes, so it is safe while the bot runs. The running
// bot's next background cycle (REDEMPTION_CHECK_SECONDS, 30 s under `npm run dev`) posts the card.
import path from 'node:path';
import { InvitationRecords } from '../src/domain/invitation/records';
import { FileStore } from '../src/store/fileStore';

function usage(message?: string): never {
  if (message) console.error(message);
  console.error('usage: npm run review-due -- <email> [--pending] [--data-dir DIR]');
  process.exit(2);
}

const args = process.argv.slice(2);
const pending = args.includes('--pending');
const dirAt = args.indexOf('--data-dir');
const dataDir = path.resolve(dirAt >= 0 ? (args[dirAt + 1] ?? usage('--data-dir needs a directory')) : (process.env.DATA_DIR ?? '.data/playground'));
const email = args.find((a, i) => !a.startsWith('--') && (dirAt < 0 || i !== dirAt + 1))?.toLowerCase();
if (!email) usage();
if (process.env.AZURE_STORAGE_CONNECTION_STRING) usage('review-due edits the embedded store in DATA_DIR only, not Azure Storage.');

async function main(email: string): Promise<void> {
  const records = new InvitationRecords(new FileStore(dataDir));
  const now = Date.now();
  const matches = (await records.listAll()).filter((r) => r.email.toLowerCase() === email);
  if (matches.length === 0) {
    console.error(`No guest ${email} in ${dataDir}: invite them through Guest Pass first.`);
    process.exit(1);
}
for (const r of matches) {
  await records.update(r.groupId, r.email, (x) =>
    pending
      ? // Invited long enough ago for the pending reminder, which has not been sent yet.
        { ...x, createdAt: new Date(now - 3650 * 24 * 3_600_000).toISOString(), pendingRemindedAt: undefined, review: x.review ?? { dueAt: new Date(now + 24 * 3_600_000).toISOString() } }
      : // A review due a second ago whose card has not been posted yet.
        { ...x, review: { dueAt: new Date(now - 1000).toISOString() } },
  );
  console.log(`${email} in team ${r.teamId}: ${pending ? 'pending reminder' : 'review'} due now; the bot's next background cycle posts the card.`);
}
}

void main(email).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
