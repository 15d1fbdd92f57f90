// Which autonomous systems are access networks (the ISPs that home and office routers, cameras and
// NAS boxes sit behind), decided from the AS's registered name, the only thing the range data
// says about it. The rule, in order:
// 1. names of clouds, CDNs, hosting, government and military, research and education, and large
//    enterprises are not access networks (Amazon, Microsoft, the US DoD, Mercedes-Benz, ...);
// 2. names that say telecom, cable, broadband, mobile, wireless, DSL or fibre are;
// 3. so are the consumer ISPs of the demo's countries whose names say none of that (Comcast,
//    Charter, Verizon, Viettel, VNPT, Vodafone, Orange, ...).
// Anything else (transit carriers, unnamed ASes) is left out: the demo plants no victim there.

const NOT_ACCESS =
  /\b(department of defense|dod|defen[cs]e|ministry|government|federal|military|army|navy|air force|amazon|microsoft|google|apple|meta platforms|facebook|akamai|cloudflare|fastly|oracle|alibaba|tencent|baidu|ovh|hetzner|digitalocean|linode|vultr|leaseweb|hosting|host|data ?cent(?:er|re)|datacenter|cloud|server\w*|cdn|university|universit\w+|college|school|research|academic|education|science|institute|forschungsnetz|jisc|surf b\.v\.|renater|garr|rediris|bank|insurance|financial|motor|automotive|mercedes|daimler|ford|general electric|ibm|hewlett|dell|intel corporation|prudential|lilly|pfizer|level 3|cogent|gtt communications|hurricane electric|zayo|lumen|tata communications|ntt america|ntt communications|telia carrier|arelion|sparkle|backbone|transit)\b/i;

const ACCESS_WORDS =
  /(tele[ck]om|telecomunica|telekomunik|telefonica|telefónica|broadband|cable|kabel|mobile|mobil\b|cellular|wireless|fib(?:er|re)|\bdsl\b|internet service|\bisp\b)/i;

const KNOWN_ISPS =
  /\b(comcast|charter|cox communications|verizon|at&t|centurylink|frontier|windstream|mediacom|cablevision|optimum|altice|suddenlink|wow|rcn|rogers|bell canada|telus|shaw|videotron|cogeco|viettel|vnpt|fpt|cmc|vodafone|orange|free sas|sfr|bouygues|virgin media|sky uk|british telecommunications|plusnet|talktalk|hyperoptic|1&1|versatel|netcologne|m-net|ewe|htp|rcs & rds|digi|hkt|hong kong broadband|pccw|hutchison|hgc|bharat sanchar|reliance jio|jio|airtel|bharti|hathway|act|telstra|optus|tpg|iinet|aussie|superloop|vocus|chunghwa|hinet|softbank|kddi|ntt docomo|so-net|biglobe|k-opticom|sk broadband|lg powercomm|lg dacom|kt corporation|uninet|telmex|claro|tim s\/a|\btim\b|wind tre|fastweb|kpn|ziggo|tele2|telia|telenor|o2|t-mobile|play|upc|netia|vectra|turkcell|superonline|vivo|oi s\.?a|true internet|3bb|triple t|advanced info|indosat|xl axiata|link net|biznet|first media|maxis|celcom|pldt|globe|converge|entel|movistar|vtr|gtd|mweb|vodacom|mtn|cell c|afrihost|kyivstar|volia|o3b|liberty|cetin|nos|meo|zon|eir|proximus|telenet|swisscom|sunrise|a1|magenta|bredband2|bahnhof|com hem|dna oyj|elisa)\b/i;

/** Whether an AS with this registered name is an access network (see the rule above). */
export function isAccessNetwork(name: string | undefined): boolean {
  if (!name) return false;
  if (NOT_ACCESS.test(name)) return false;
  return ACCESS_WORDS.test(name) || KNOWN_ISPS.test(name);
}
