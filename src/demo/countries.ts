// The advisory's country table (joint advisory of 18 Sep 2024, June 2024 counts, as published),
// with the remainder spread over further countries, and how often each country's home lines get
// a new address (daily churn): the demo's ground truth.

export interface CountryPlan {
  cc: string;
  devices: number;
  /** Share of devices whose address changes every day. */
  dynamic: number;
}

export const ADVISORY_COUNTRIES: CountryPlan[] = [
  { cc: 'US', devices: 126_000, dynamic: 0.1 },
  { cc: 'VN', devices: 21_100, dynamic: 0.5 },
  { cc: 'DE', devices: 18_900, dynamic: 0.6 }, // forced daily reconnects are common on German DSL
  { cc: 'RO', devices: 9_600, dynamic: 0.3 },
  { cc: 'HK', devices: 9_400, dynamic: 0.2 },
  { cc: 'CA', devices: 9_200, dynamic: 0.1 },
  { cc: 'ZA', devices: 9_000, dynamic: 0.3 },
  { cc: 'GB', devices: 8_500, dynamic: 0.1 },
  { cc: 'IN', devices: 5_800, dynamic: 0.6 },
  { cc: 'FR', devices: 5_600, dynamic: 0.2 },
  { cc: 'AU', devices: 2_400, dynamic: 0.2 },
];

/** "Others, about 37,000" less Australia, spread with decreasing weights. */
const OTHERS = ['BR', 'JP', 'IT', 'ES', 'NL', 'KR', 'TW', 'PL', 'TR', 'MX', 'TH', 'ID', 'AR', 'SE', 'UA', 'CZ', 'PH', 'MY', 'CL', 'CO'];

export function demoCountries(scale: number): CountryPlan[] {
  const rest = 34_600;
  const weights = OTHERS.map((_, i) => 1 / (i + 3));
  const sum = weights.reduce((a, b) => a + b, 0);
  const all = [
    ...ADVISORY_COUNTRIES,
    ...OTHERS.map((cc, i) => ({ cc, devices: Math.round((rest * weights[i]!) / sum), dynamic: 0.3 })),
  ];
  return all.map((c) => ({ ...c, devices: Math.max(1, Math.round(c.devices * scale)) }));
}
