// Child process of the crash test (outbox.test.ts): runs `notify send` over email against a store
// and prints "sent <id> <message-id>" after each message is marked sent, so the test can kill it
// (SIGKILL) at a known point. Usage: node crash-test-sender.js DB SMTP_URL NOW_MS
import { openTestStore } from './store.js';
import { sendNotifications } from '../src/notify/outbox.js';
import { smtpChannel } from '../src/notify/smtp.js';

const [db, url, now] = process.argv.slice(2);
if (!db || !url || !now) throw new Error('usage: crash-test-sender DB SMTP_URL NOW_MS');
const store = await openTestStore(db);
const email = smtpChannel({ url });
const r = await sendNotifications(store, {
  now: Number(now),
  from: 'cert@cert.example',
  channels: { email },
  onEvent: (e) => {
    if (e.type === 'sent') process.stdout.write(`sent ${e.row.id} ${e.row.messageId}\n`);
  },
});
email.close?.();
await store.close();
process.stdout.write(`done resumed=${r.resumed.sent} queued=${r.queued} sent=${r.sent}\n`);
