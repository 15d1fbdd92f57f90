// Message texts per language: what was seen, where the details are, and what to do (the
// advisory's mitigations). Plain functions rather than a template engine: two languages, one message.

export type Language = 'en' | 'fr';
/** Where the victim list is in the message. */
export type ListPlace = 'csv-attachment' | 'csv-inline' | 'json' | 'webhook';

export interface MessageContext {
  owner: string;
  count: number;
  families: string[];
  from: Date;
  to: Date;
  intervalDays: number;
  place: ListPlace;
  /** Who signs (a CERT's name); "botcensus" when not given. */
  sender?: string;
}

interface Template {
  subject(c: MessageContext): string;
  text(c: MessageContext): string;
}

const day = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const num = (n: number, decimal = '.') => (Number.isInteger(n) ? String(n) : n.toFixed(1).replace('.', decimal));

const EN: Template = {
  subject: (c) => `[botcensus] ${plural(c.count, 'compromised device', 'compromised devices')} in your network (${c.owner})`,
  text: (c) => {
    const where = {
      'csv-attachment': 'in the attached CSV file (columns as in Shadowserver reports)',
      'csv-inline': 'in the CSV below (columns as in Shadowserver reports)',
      json: 'in the attached JSON file',
      webhook: 'in the "victims" field of this message',
    }[c.place];
    return [
      `Hello ${c.owner},`,
      '',
      `Between ${day(c.from)} and ${day(c.to)} UTC, ${plural(c.count, 'device', 'devices')} in your network ${c.count === 1 ? 'was' : 'were'} seen communicating with the infrastructure of a botnet of hijacked routers, cameras and storage devices${c.families.length ? ` (${c.families.join(', ')})` : ''}. The addresses, times and evidence are ${where}.`,
      '',
      'What to do for each device listed:',
      '- Reboot it: this removes malware that lives only in memory, though not a persistent infection.',
      "- Install the vendor's latest firmware and security patches.",
      '- Replace devices that have reached end of life and no longer receive updates.',
      '- Change default and weak passwords, including those of remote administration.',
      '- Disable services that are not used, above all remote management (telnet, SSH, web administration, UPnP) reachable from the Internet.',
      '',
      `You will not be told again about the same device within ${num(c.intervalDays)} days unless new evidence appears.`,
      'Please reply to this message if a listed address is not yours or not compromised.',
      '',
      `-- ${c.sender ?? 'botcensus'}`,
    ].join('\n');
  },
};

const FR: Template = {
  subject: (c) => `[botcensus] ${plural(c.count, 'équipement compromis', 'équipements compromis')} dans votre réseau (${c.owner})`,
  text: (c) => {
    const where = {
      'csv-attachment': 'dans le fichier CSV joint (colonnes des rapports Shadowserver)',
      'csv-inline': 'dans le CSV ci-dessous (colonnes des rapports Shadowserver)',
      json: 'dans le fichier JSON joint',
      webhook: 'dans le champ « victims » de ce message',
    }[c.place];
    return [
      `Bonjour ${c.owner},`,
      '',
      `Entre le ${day(c.from)} et le ${day(c.to)} UTC, ${plural(c.count, 'équipement', 'équipements')} de votre réseau ${c.count === 1 ? 'a été vu' : 'ont été vus'} en communication avec l'infrastructure d'un botnet de routeurs, caméras et équipements de stockage détournés${c.families.length ? ` (${c.families.join(', ')})` : ''}. Les adresses, horaires et éléments de preuve figurent ${where}.`,
      '',
      'Pour chaque équipement de la liste :',
      "- Redémarrez-le : cela supprime un logiciel malveillant résidant en mémoire, mais pas une infection persistante.",
      '- Installez le dernier micrologiciel et les correctifs de sécurité du constructeur.',
      '- Remplacez les équipements en fin de vie qui ne reçoivent plus de mises à jour.',
      "- Changez les mots de passe par défaut ou faibles, y compris ceux d'administration à distance.",
      "- Désactivez les services inutilisés, en particulier l'administration à distance (telnet, SSH, interface web, UPnP) accessible depuis Internet.",
      '',
      `Vous ne serez pas informé à nouveau au sujet du même équipement avant ${num(c.intervalDays, ',')} jours, sauf nouvel élément.`,
      "Merci de répondre à ce message si une adresse listée ne vous appartient pas ou n'est pas compromise.",
      '',
      `-- ${c.sender ?? 'botcensus'}`,
    ].join('\n');
  },
};

const TEMPLATES: Record<Language, Template> = { en: EN, fr: FR };

/** The template of a language, English when the language has none. */
export function template(language: string): Template {
  return TEMPLATES[language as Language] ?? EN;
}
