// The dashboard part of the store contract (filled in by the dashboard work).
export interface DashboardStore {}
