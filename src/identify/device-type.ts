// Device categories the census counts, from Recog's hw.device/os.device vocabulary
// (identifiers/device.txt) and the labels Shodan and Censys put on hosts.
import type { DeviceType } from '../core/model/identify.js';

export type { DeviceType };

const TABLE: [RegExp, DeviceType][] = [
  [/^(?:nvr|network video recorder|cloud network video recorder)$/i, 'nvr'],
  [/^(?:dvr|digital video recorder)$/i, 'dvr'],
  [/^(?:ip camera|web ?cam|webcam|camera|network camera|video encoder)$/i, 'ip-camera'],
  [/^(?:nas|storage|storage appliance|network attached storage)$/i, 'nas'],
  [/^(?:firewall|security appliance|utm|vpn|ips|ids)$/i, 'firewall'],
  [/^(?:wap|wireless access point|access point|wireless controller)$/i, 'access-point'],
  [/^(?:cable modem|docsis cable modem|dsl modem|adsl modem)$/i, 'modem'],
  [/^(?:router|broadband router|adsl router|wireless router|soho router|sd-wan appliance|dslam)$/i, 'router'],
  [/^(?:switch)$/i, 'switch'],
  [/^(?:printer|multifunction device|print server|printer \(\w+\))$/i, 'printer'],
  [/^(?:voip|sip device|voip gateway|sip gateway|voip phone)$/i, 'voip'],
];

/** The census category of a device label, or undefined when the label is empty. */
export function deviceTypeOf(label: string | undefined): DeviceType | undefined {
  if (!label || label.trim() === '') return undefined;
  const s = label.trim();
  for (const [re, type] of TABLE) if (re.test(s)) return type;
  return 'other';
}
