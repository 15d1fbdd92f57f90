// The mail stage's view of the store: its own queries (messages-sql.ts, campaigns-sql.ts), written
// once over the driver contract.
import type { Driver } from '../store/driver.js';
import { campaign, campaignCount, campaignMessages, campaigns, campaignsJudgedWith, indicatorHosts, replaceCampaigns } from './campaigns-sql.js';
import { judgingOrder, messageCounts, messages, openStaging } from './messages-sql.js';
import type { MailStore } from './records.js';

/** The mail stage's queries over a store's driver. */
export function mailStore(store: { readonly driver: Driver }): MailStore {
  const d = store.driver;
  return {
    openStaging: () => openStaging(d),
    messages: (infraKeys) => messages(d, infraKeys),
    judgingOrder: (size) => judgingOrder(d, size),
    indicatorHosts: (hosts) => indicatorHosts(d, hosts),
    replaceCampaigns: (rows, intelImport) => replaceCampaigns(d, rows, intelImport),
    campaignsJudgedWith: () => campaignsJudgedWith(d),
    campaigns: (filter) => campaigns(d, filter),
    campaign: (id) => campaign(d, id),
    campaignMessages: (id, limit) => campaignMessages(d, id, limit),
    counts: async () => ({ ...(await messageCounts(d)), campaigns: await campaignCount(d) }),
  };
}
