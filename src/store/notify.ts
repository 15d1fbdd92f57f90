// The notify part of the store contract (filled in by the notify work).
export interface NotifyStore {}
