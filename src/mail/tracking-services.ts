// Known mail-tracking services: the domains whose images and links in a message report opens and
// clicks back to a bulk-mail or sales-tracking service.
//
// Source: compiled by the botcensus authors from the services' public documentation and from
// the tracking hosts these services are widely known to use in mail (open pixels, click
// redirects). No well-kept list of mail-tracking hosts under a compatible licence is published on
// npm, so the list is kept here. Licence: Apache-2.0, like the rest of botcensus (the facts
// themselves, domain names, are not anyone's property). Services change hosts; extend the list
// as they do. A host matches an entry when it is the domain or a name under it.
//
// A beacon on one of these hosts is ordinary marketing or sales tracking; what marks a covert
// campaign is a per-recipient token on a host that is neither the sender's own nor on this list.

export type TrackingServiceKind =
  | 'esp' // bulk mail service: open pixel and click tracking on every message
  | 'sales' // one-to-one read receipts added by a mail client plug-in
  | 'analytics'; // web analytics or ad measurement pixels placed in mail

export interface TrackingService {
  domain: string;
  service: string;
  kind: TrackingServiceKind;
}

const s = (service: string, kind: TrackingServiceKind, ...domains: string[]): TrackingService[] => domains.map((domain) => ({ domain, service, kind }));

export const MAIL_TRACKING_SERVICES: readonly TrackingService[] = [
  ...s('Mailchimp', 'esp', 'list-manage.com', 'mcsv.net', 'mailchimp.com', 'mandrillapp.com'),
  ...s('Twilio SendGrid', 'esp', 'sendgrid.net', 'sendgrid.com'),
  ...s('Mailgun', 'esp', 'mailgun.org', 'mailgun.net'),
  ...s('Amazon SES', 'esp', 'awstrack.me'),
  ...s('HubSpot', 'esp', 'hubspotlinks.com', 'hubspotemail.net', 'hubspot.com'),
  ...s('Salesforce Marketing Cloud', 'esp', 'exacttarget.com', 'exct.net'),
  ...s('Salesforce Pardot', 'esp', 'pardot.com'),
  ...s('Adobe Marketo', 'esp', 'marketo.com', 'mktoresp.com'),
  ...s('Oracle Eloqua', 'esp', 'eloqua.com', 'en25.com'),
  ...s('Constant Contact', 'esp', 'constantcontact.com', 'rs6.net'),
  ...s('Campaign Monitor', 'esp', 'createsend.com', 'createsend1.com', 'cmail19.com', 'cmail20.com'),
  ...s('Klaviyo', 'esp', 'klaviyo.com', 'klaviyomail.com', 'klclick.com', 'klclick1.com'),
  ...s('Brevo (Sendinblue)', 'esp', 'brevo.com', 'sendinblue.com', 'sendibt2.com', 'sendibt3.com'),
  ...s('Mailjet', 'esp', 'mailjet.com', 'mjt.lu'),
  ...s('Postmark', 'esp', 'postmarkapp.com', 'pstmrk.it'),
  ...s('SparkPost', 'esp', 'sparkpostmail.com', 'spgo.io'),
  ...s('MailerLite', 'esp', 'mailerlite.com', 'mlsend.com'),
  ...s('MailerSend', 'esp', 'mailersend.net'),
  ...s('ActiveCampaign', 'esp', 'activehosted.com', 'acemlna.com', 'acemlnb.com', 'acemlnc.com', 'acemlnd.com'),
  ...s('GetResponse', 'esp', 'getresponse.com'),
  ...s('AWeber', 'esp', 'aweber.com'),
  ...s('Drip', 'esp', 'getdrip.com'),
  ...s('Kit (ConvertKit)', 'esp', 'convertkit-mail.com', 'convertkit-mail2.com'),
  ...s('Substack', 'esp', 'substack.com', 'substackcdn.com'),
  ...s('Intercom', 'esp', 'intercom-mail.com'),
  ...s('Customer.io', 'esp', 'customeriomail.com'),
  ...s('Iterable', 'esp', 'iterable.com'),
  ...s('Emarsys', 'esp', 'emarsys.net'),
  ...s('Zoho Campaigns', 'esp', 'zcsend.net', 'maillist-manage.com'),
  ...s('Omnisend', 'esp', 'omnisend.com'),
  ...s('Moosend', 'esp', 'moosend.com'),
  ...s('Benchmark Email', 'esp', 'benchmarkemail.com', 'bmetrack.com'),
  ...s('Emma', 'esp', 'e2ma.net'),
  ...s('iContact', 'esp', 'icontact.com', 'icptrack.com'),
  ...s('VerticalResponse', 'esp', 'vresp.com'),
  ...s('Acoustic (Silverpop)', 'esp', 'silverpop.com'),
  ...s('Movable Ink', 'esp', 'movableink.com'),
  ...s('Litmus email analytics', 'analytics', 'emltrk.com'),
  ...s('LiveIntent', 'analytics', 'liadm.com'),
  ...s('Google Analytics', 'analytics', 'google-analytics.com'),
  ...s('Mailtrack', 'sales', 'mailtrack.io'),
  ...s('Streak', 'sales', 'mailfoogae.appspot.com', 'streak.com'),
  ...s('Yesware', 'sales', 'yesware.com'),
  ...s('Mixmax', 'sales', 'mixmax.com'),
  ...s('Bananatag', 'sales', 'bananatag.com'),
  ...s('Polymail', 'sales', 'polymail.io'),
  ...s('Superhuman', 'sales', 'superhuman.com'),
  ...s('Salesloft', 'sales', 'salesloft.com'),
  ...s('Outreach', 'sales', 'outreach.io'),
];

const BY_DOMAIN = new Map(MAIL_TRACKING_SERVICES.map((t) => [t.domain, t]));

/** The known service a host belongs to, if any. */
export function trackingService(host: string): TrackingService | undefined {
  for (let h = host.toLowerCase(); h.includes('.'); h = h.slice(h.indexOf('.') + 1)) {
    const t = BY_DOMAIN.get(h);
    if (t) return t;
  }
  return undefined;
}
